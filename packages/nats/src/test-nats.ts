import { randomBytes } from 'node:crypto'
import { createServer, Socket, type AddressInfo, type Server } from 'node:net'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { removeNamespace } from './remove-namespace.js'

export { removeNamespace }

/** The NATS server (with JetStream) the tests use: NATS_URL, default the local one. */
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'

export function connectNats(url = NATS_URL): Promise<NatsConnection> {
  return connect({ servers: url, name: 'qqbot-nats-tests' })
}

/** A namespace no other test uses. */
export function freshNamespace(): string {
  return `test_${randomBytes(4).toString('hex')}`
}

/**
 * A TCP proxy to the real server whose answers the test can hold back and let through: a connection that stalls
 * (the client hears nothing, not even heartbeats) without stopping the shared server.
 */
export async function startStallingProxy(): Promise<{
  url: string
  stall(): void
  resume(): void
  close(): Promise<void>
}> {
  const target = new URL(NATS_URL)
  const sockets = new Set<Socket>()
  const resumes = new Set<() => void>()
  let stalled = false
  const server: Server = createServer((client) => {
    const upstream = new Socket()
    upstream.connect(Number(target.port || 4222), target.hostname)
    client.pipe(upstream)
    let held: Buffer[] = []
    upstream.on('data', (chunk: Buffer) => (stalled ? held.push(chunk) : client.write(chunk)))
    const release = () => {
      for (const chunk of held) client.write(chunk)
      held = []
    }
    resumes.add(release)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => undefined)
      socket.on('close', () => {
        sockets.delete(socket)
        resumes.delete(release)
        client.destroy()
        upstream.destroy()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `nats://127.0.0.1:${port}`,
    stall: () => void (stalled = true),
    resume() {
      stalled = false
      for (const release of resumes) release()
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
