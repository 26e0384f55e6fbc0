// The webhook floor's per-event work (as bench/bot-webhook-raw.mjs does it, less node:http) in the shape
// bench/webhook-path.mjs drives: a `(request, response)` handler that verifies the Ed25519 signature with one
// KeyObject, parses the body, writes the op 12 ACK, and replies to /ping n over an undici Pool of 32 connections.
import { floorRest, pongRequest, signedBy, webhookPublicKey } from './floor-setup.mjs'

const ACK = '{"op":12,"d":0}'

/** Resolves with `{ handle, stop }`; `onReplied` runs once per answered reply. */
export async function startFloor({ url, appId, secret }, onReplied) {
  const { pool, headers } = await floorRest({ url, appId, secret })
  const publicKey = webhookPublicKey(secret)

  function handle(request, response) {
    const body = request.rawBody
    if (!signedBy(publicKey, request.headers, body)) return void response.writeHead(401).end()
    const payload = JSON.parse(body)
    response.writeHead(200, { 'content-type': 'application/json' }).end(ACK)
    const pong = pongRequest(payload.t, payload.d)
    pool
      .request({ path: pong.path, method: 'POST', headers, body: pong.body })
      .then((reply) => reply.body.dump())
      .then(onReplied)
  }
  return { handle, stop: () => pool.close() }
}
