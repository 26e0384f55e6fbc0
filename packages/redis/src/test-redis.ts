import { createServer, Socket, type Server } from 'node:net'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { removeNamespace } from './remove-namespace.js'

export { removeNamespace }

/** Tests use the real server: REDIS_URL, or the local default. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export function connectRedis(url = REDIS_URL): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  redis.on('error', () => undefined) // outage tests cut connections on purpose
  return redis
}

/** The namespaces {@link freshNamespace} made in this test file (each file has its own copy of this module). */
const namespaces: string[] = []

/** A namespace no other test uses; {@link removeFreshNamespaces} deletes its keys. */
export function freshNamespace(): string {
  const namespace = `test-${randomBytes(4).toString('hex')}`
  namespaces.push(namespace)
  return namespace
}

/**
 * Deletes the keys of the namespaces this file made. Done marks live a day: without this, every run leaves
 * thousands of keys in the shared Redis, and tests that scan a namespace slow down as the keys pile up.
 */
export async function removeFreshNamespaces(redis?: Redis): Promise<void> {
  const connection = redis ?? connectRedis()
  for (const namespace of namespaces.splice(0)) await removeNamespace(connection, namespace)
  if (!redis) await connection.quit()
}

/** A TCP proxy to the real Redis that the test can cut and restore: an outage without stopping the shared server. */
export async function startCuttableProxy(
  target: URL,
): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  let up = true
  const server: Server = createServer((client) => {
    if (!up) return client.destroy()
    const upstream = new Socket()
    upstream.connect(Number(target.port || 6379), target.hostname)
    client.pipe(upstream).pipe(client)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => undefined)
      socket.on('close', () => {
        sockets.delete(socket)
        client.destroy()
        upstream.destroy()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `redis://127.0.0.1:${port}`,
    cut() {
      up = false
      for (const socket of sockets) socket.destroy()
    },
    restore() {
      up = true
    },
    close: () => {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
