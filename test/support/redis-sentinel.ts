import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, killRedis, redisCli, spawnRedis } from './redis-server.js'

/** The master name the sentinels monitor. */
export const SENTINEL_MASTER_NAME = 'mymaster'

/** A master, a replica and a sentinel of the test's own, on 127.0.0.1, without persistence. */
export interface RedisSentinelSetup {
  /** `127.0.0.1:<port>` of the sentinel, as the test's child processes take it (REDIS_SENTINELS). */
  readonly sentinels: string
  readonly sentinelPort: number
  /** The port of the server the sentinel names as master now. */
  masterPort(): Promise<number>
  /**
   * Kills the master (SIGKILL: a crash) and resolves once it has exited, with a promise of the failover: it
   * resolves once the sentinel has promoted the replica, with how long that took after the kill (ms).
   */
  killMaster(timeoutMs?: number): Promise<{ failover: Promise<number> }>
  /** Stops every process and removes their directory. Safe to call twice, and after a failed start. */
  close(): Promise<void>
}

/**
 * Starts a master, a replica of it and one sentinel monitoring them (quorum 1, the master seen down after 1 s
 * without an answer), and resolves once the replica is in sync and the sentinel knows it.
 */
export async function startRedisSentinel(): Promise<RedisSentinelSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'qqbot-redis-sentinel-'))
  const servers = new Map<number, ChildProcess>()
  let sentinel: ChildProcess | undefined
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await Promise.all([...servers.values(), sentinel].map((child) => killRedis(child)))
    await rm(dir, { recursive: true, force: true })
  }
  const server = async (port: number, extra: string[] = []) => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
    servers.set(port, await spawnRedis([...args, '--dir', dir, ...extra]))
  }
  const cli = (port: number, ...args: string[]) => redisCli(['-p', String(port), ...args])
  const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  try {
    const masterPort = await freePort()
    await server(masterPort)
    const replicaPort = await freePort()
    await server(replicaPort, ['--replicaof', '127.0.0.1', String(masterPort)])
    await waitFor('the replica to sync', async () =>
      (await cli(replicaPort, 'info', 'replication')).includes('master_link_status:up'),
    )
    const sentinelPort = await freePort()
    const config = join(dir, 'sentinel.conf')
    await writeFile(
      config,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 10000`,
        '',
      ].join('\n'),
    )
    sentinel = await spawnRedis([config, '--sentinel'])
    await waitFor('the sentinel to know the replica', async () =>
      (await cli(sentinelPort, 'sentinel', 'replicas', SENTINEL_MASTER_NAME)).includes(String(replicaPort)),
    )
    const masterPortNow = async () =>
      Number((await cli(sentinelPort, 'sentinel', 'get-master-addr-by-name', SENTINEL_MASTER_NAME)).split('\n')[1])
    return {
      sentinels: `127.0.0.1:${sentinelPort}`,
      sentinelPort,
      masterPort: masterPortNow,
      killMaster: async (timeoutMs = 20_000) => {
        const old = await masterPortNow()
        const killedAt = Date.now()
        await killRedis(servers.get(old))
        const promoted = waitFor(
          'the sentinel to promote the replica',
          async () => (await masterPortNow()) !== old,
          timeoutMs,
        )
        return { failover: promoted.then(() => Date.now() - killedAt) }
      },
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
