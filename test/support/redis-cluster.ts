import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { killRedis, redisCli, spawnRedis } from './redis-server.js'

/** A Redis Cluster of the test's own: masters on 127.0.0.1, no replicas, no persistence. */
export interface RedisCluster {
  /** The masters' ports, for `new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })))`. */
  readonly ports: number[]
  /** `127.0.0.1:<port>,…`, as the test's child processes take it (REDIS_CLUSTER). */
  readonly nodes: string
  /** Stops every node and removes their directory. Safe to call twice, and after a failed start. */
  close(): Promise<void>
}

/**
 * Starts `masters` cluster-enabled servers, joins them with `redis-cli --cluster create` (the slots divided
 * evenly) and resolves once every node reports `cluster_state:ok`. Whatever was started is stopped again if a
 * step fails.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'qqbot-redis-cluster-'))
  const children: ChildProcess[] = []
  const ports: number[] = []
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await Promise.all(children.map((child) => killRedis(child)))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freeClusterPort(ports)
      ports.push(port)
      children.push(
        await spawnRedis([
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
        ]),
      )
    }
    const addresses = ports.map((port) => `127.0.0.1:${port}`)
    await redisCli(['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'])
    const deadline = Date.now() + 20_000
    for (const port of ports) {
      while (!(await redisCli(['-p', String(port), 'cluster', 'info'])).includes('cluster_state:ok')) {
        if (Date.now() > deadline) throw new Error(`the cluster node on port ${port} never reported cluster_state:ok`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    return { ports, nodes: addresses.join(','), close }
  } catch (error) {
    await close()
    throw error
  }
}

/**
 * A port for a cluster node: it and its cluster bus port (port + 10000) free, below 55536 so the bus port
 * exists, and not one of `taken`.
 */
async function freeClusterPort(taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000)
    if (taken.includes(port)) continue
    if ((await canListen(port)) && (await canListen(port + 10_000))) return port
  }
  throw new Error('found no free port pair (port and port + 10000) for a cluster node')
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}
