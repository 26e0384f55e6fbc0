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
const REDIS_CLI = process.env.REDIS_CLI_BIN ?? 'redis-cli'

/**
 * Starts `redis-server` with `args` and resolves once it accepts connections (a server, or a sentinel with
 * `--sentinel`). Fails with what to install when the binary is missing.
 */
export async function spawnRedis(args: string[]): Promise<ChildProcess> {
  const started = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const output: string[] = []
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString())
      if (/Ready to accept connections|Sentinel ID is/.test(output.join(''))) {
        started.stdout!.off('data', onData)
        resolve()
      }
    }
    started.stdout!.on('data', onData)
    started.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    started.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? missingBinary(REDIS_SERVER, 'REDIS_SERVER_BIN') : error),
    )
    started.once('exit', (code) =>
      reject(new Error(`redis-server exited (code ${code}) before it was ready: ${output.join('')}`)),
    )
  })
  // Drain the pipes from now on, so the server never blocks writing its log.
  started.stdout!.resume()
  started.stderr!.resume()
  return started
}

/** Runs `redis-cli` with `args`; resolves with its output, rejects when it fails. */
export function redisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(REDIS_CLI, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? missingBinary(REDIS_CLI, 'REDIS_CLI_BIN') : error),
    )
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`redis-cli ${args.join(' ')} failed (${code}): ${output}`)),
    )
  })
}

/** Kills a server started by {@link spawnRedis} (SIGKILL by default: a crash) and waits until it has exited. */
export async function killRedis(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  await exited
}

function missingBinary(binary: string, variable: string): Error {
  return new Error(
    `${binary} was not found: these tests start Redis servers of their own. Install Redis 7 (Debian/Ubuntu: apt-get install redis-server, which brings redis-cli too), or set ${variable} to the binary.`,
  )
}

/** Starts `redis-server` on a free port: no RDB snapshots, AOF only if asked. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'qqbot-redis-'))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir]
  args.push(...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']))
  let child: ChildProcess | undefined
  let closed = false

  const start = async (): Promise<void> => {
    child = await spawnRedis(args)
  }

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const running = child
    child = undefined
    await killRedis(running, signal)
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
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
