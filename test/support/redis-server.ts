import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A Redis server of the test's own, which the test may kill and start again (never the shared one on 6379). */
export interface RedisServer {
  readonly url: string
  readonly port: number
  /** Kills the server (SIGKILL by default: a crash) and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port (and, with AOF, the same directory); resolves once it accepts connections. */
  restart(): Promise<void>
  /** Kills it and removes its directory. Safe to call twice. */
  close(): Promise<void>
}

export interface RedisServerOptions {
  /** Persist with the append-only file (`appendonly yes`, `appendfsync everysec`) in a directory of its own. */
  appendOnly?: boolean
}

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server'

/** Starts `redis-server` on a free port: no RDB snapshots, AOF only if asked. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'qqbot-redis-'))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir]
  args.push(...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']))
  let child: ChildProcess | undefined
  let closed = false

  const start = async (): Promise<void> => {
    const started = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = started
    const output: string[] = []
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString())
        if (output.join('').includes('Ready to accept connections')) {
          started.stdout!.off('data', onData)
          resolve()
        }
      }
      started.stdout!.on('data', onData)
      started.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()))
      started.once('error', reject)
      started.once('exit', (code) =>
        reject(new Error(`redis-server exited (code ${code}) before it was ready: ${output.join('')}`)),
      )
    })
    // Drain the pipes from now on, so the server never blocks writing its log.
    started.stdout!.resume()
    started.stderr!.resume()
  }

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill(signal)
    await exited
  }

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    restart: async () => {
      if (closed) throw new Error('this Redis server was closed')
      await kill()
      await start()
    },
    close: async () => {
      if (closed) return
      closed = true
      await kill()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A TCP port nobody listens on now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
