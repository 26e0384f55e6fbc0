import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ConnectionTracker } from './connection-tracker.js'

/** Binds `server` to `host:port` and resolves with its base URL, `http://HOST:PORT` (IPv6 hosts bracketed). */
export async function listenHttp(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const hostPart = address.address.includes(':') ? `[${address.address}]` : address.address
  return `http://${hostPart}:${address.port}`
}

/** Stops `server` listening and destroys every open connection (keep-alive ones included); resolves once closed. */
export async function closeHttp(server: Server, tracker: ConnectionTracker): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    server.close(() => resolve())
  })
  server.closeAllConnections()
  tracker.destroyAll()
  await closed
}
