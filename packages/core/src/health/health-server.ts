import { createServer, type Server } from 'node:http'
import type { QQBotClient } from '../client/qqbot-client.js'

export interface HealthServerOptions {
  /** Default 9090; 0 picks a free port. */
  port?: number
  /** Default `127.0.0.1`; use `0.0.0.0` inside a container so the orchestrator can reach it. */
  host?: string
  /** More readiness checks by name (a Redis ping, a database); a false or a throw makes `/readyz` answer 503. */
  checks?: Record<string, () => boolean | Promise<boolean>>
}

export interface HealthServer {
  readonly url: string
  close(): Promise<void>
}

/** What `/readyz` reports. */
export interface Readiness {
  ready: boolean
  checks: Record<string, boolean>
  shards: { shardId: number; status: string }[]
}

/**
 * Liveness, readiness and metrics over HTTP, for orchestrators and Prometheus:
 * `GET /healthz` (200 while the process serves), `GET /readyz` (200 once the client runs and every shard
 * of this process is ready, 503 otherwise, with the details as JSON), `GET /metrics` (Prometheus text).
 */
export async function startHealthServer(client: QQBotClient, options: HealthServerOptions = {}): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
      return
    }
    if (path === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(client.metricsText())
      return
    }
    if (path === '/readyz') {
      void readiness(client, options.checks ?? {}).then((report) => {
        response.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report))
      })
      return
    }
    response
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"error":"not found: try /healthz, /readyz or /metrics"}')
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 9090, host, () => resolve())
  })
  const address = server.address() as { port: number }
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

async function readiness(
  client: QQBotClient,
  checks: Record<string, () => boolean | Promise<boolean>>,
): Promise<Readiness> {
  const results: Record<string, boolean> = { running: client.running }
  for (const [name, check] of Object.entries(checks)) {
    try {
      results[name] = (await check()) === true
    } catch {
      results[name] = false
    }
  }
  const shards = client.shards.map((shard) => ({ shardId: shard.shardId, status: shard.status }))
  results.shards = shards.every((shard) => shard.status === 'ready')
  return { ready: Object.values(results).every(Boolean), checks: results, shards }
}
