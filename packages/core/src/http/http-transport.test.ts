import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { HttpTransport } from './http-transport.js'

let server: Server | undefined
let transport: HttpTransport | undefined
afterEach(async () => {
  await transport?.close()
  server?.closeAllConnections()
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  server = transport = undefined
})

/** A local server answering with `answer`; resolves with its origin. */
async function serve(answer: (request: IncomingMessage, body: string, response: ServerResponse) => void) {
  server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => answer(request, Buffer.concat(chunks).toString(), response))
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  transport = new HttpTransport({ connections: 2 })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const post = (origin: string, path = '/echo', timeoutMs = 5_000) =>
  transport!.send({
    origin,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test': 'yes' },
    body: '{"hello":"world"}',
    timeoutMs,
  })

describe('HttpTransport', () => {
  it('GIVEN a JSON answer THEN it resolves with the status, lower-cased headers and the parsed body, having sent method, path, headers and body', async () => {
    const origin = await serve((request, body, response) => {
      response.writeHead(201, { 'Content-Type': 'application/json', 'X-Tps-Trace-ID': 'trace-1' })
      response.end(JSON.stringify({ method: request.method, url: request.url, test: request.headers['x-test'], body }))
    })
    const response = await post(origin, '/echo?q=1')
    expect(response.status).toBe(201)
    expect(response.headers['x-tps-trace-id']).toBe('trace-1')
    expect(response.body).toEqual({ method: 'POST', url: '/echo?q=1', test: 'yes', body: '{"hello":"world"}' })
  })

  it('GIVEN a body written in many chunks, with multi-byte characters across them THEN it is read whole', async () => {
    const text = '回复'.repeat(20_000)
    const origin = await serve((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      const bytes = Buffer.from(JSON.stringify({ text }))
      for (let at = 0; at < bytes.length; at += 1_001) response.write(bytes.subarray(at, at + 1_001))
      response.end()
    })
    expect((await post(origin)).body).toEqual({ text })
  })

  it('GIVEN a text, an empty, an unparseable JSON and a byte-order-marked answer THEN each body is as the REST client expects', async () => {
    const origin = await serve((request, _body, response) => {
      const answers: Record<string, [string, string]> = {
        '/text': ['text/plain', 'plain words'],
        '/empty': ['application/json', ''],
        '/broken': ['application/json', '{"cut'],
        '/bom': ['application/json', '\ufeff{"code":0}'],
      }
      const [type, body] = answers[request.url!]!
      response.writeHead(request.url === '/empty' ? 204 : 400, { 'content-type': type }).end(body)
    })
    expect(await post(origin, '/text')).toMatchObject({ status: 400, body: 'plain words' })
    expect(await post(origin, '/empty')).toMatchObject({ status: 204, body: undefined })
    expect(await post(origin, '/broken')).toMatchObject({ status: 400, body: '{"cut' })
    expect(await post(origin, '/bom')).toMatchObject({ status: 400, body: { code: 0 } })
  })

  it('GIVEN a server that never answers THEN the request rejects with undici headers timeout error', async () => {
    const origin = await serve(() => undefined)
    await expect(post(origin, '/silent', 100)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' })
  })

  it('GIVEN nothing listening THEN the request rejects with the connection error', async () => {
    const origin = await serve(() => undefined)
    await new Promise((resolve) => server!.close(resolve))
    server = undefined
    await expect(post(origin)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})
