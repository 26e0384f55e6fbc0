// The no-framework webhook floor: node:http + one Ed25519 KeyObject verify + JSON.parse, the op 12 ACK at once,
// then the /ping n reply over an undici Pool of 32 connections. Forged requests get 401 and a counter.
import { createServer } from 'node:http'
import { floorRest, pongRequest, signedBy, webhookPublicKey } from './floor-setup.mjs'
import { serveStats } from './ipc.mjs'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret } = process.env
const { pool, headers } = await floorRest({ url, appId, secret })
const publicKey = webhookPublicKey(secret)

const ACK = '{"op":12,"d":0}'
let forged = 0

function onCallback(request, response, body) {
  if (!signedBy(publicKey, request.headers, body)) {
    forged++
    return void response.writeHead(401).end()
  }
  const payload = JSON.parse(body)
  response.writeHead(200, { 'content-type': 'application/json' }).end(ACK)
  if (payload.op !== 0) return
  const pong = pongRequest(payload.t, payload.d)
  if (!pong) return
  pool
    .request({ path: pong.path, method: 'POST', headers, body: pong.body })
    .then((reply) => reply.body.dump())
    .catch((error) => console.error('raw send failed', error.message))
}

const server = createServer((request, response) => {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => onCallback(request, response, Buffer.concat(chunks)))
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
process.send({ type: 'ready', url: `http://127.0.0.1:${server.address().port}/webhook` })

serveStats(() => ({ forged, logLines: 0, held: 0, overBudget: 0 }))
