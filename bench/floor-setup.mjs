// What the floors (bench/bot-raw.mjs, bench/bot-webhook-raw.mjs, bench/webhook-path-floor.mjs) set up once: an
// undici Pool of 32 connections with an access token, and the webhook's Ed25519 public key from the secret; and
// the floors' one check per callback.
import { createPrivateKey, createPublicKey, verify } from 'node:crypto'
import { Pool } from 'undici'
import WebSocket from 'ws'

/** The pool and the headers of every REST call (the token fetched once). */
export async function floorRest({ url, appId, secret }) {
  const pool = new Pool(url, { connections: 32 })
  const tokenResponse = await pool.request({
    path: '/app/getAppAccessToken',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appId, clientSecret: secret }),
  })
  const { access_token: token } = await tokenResponse.body.json()
  const headers = { authorization: `QQBot ${token}`, 'content-type': 'application/json', 'x-union-appid': appId }
  return { pool, headers }
}

/**
 * The floors' gateway session: identifies on shard 0 of 1, heartbeats, and calls `onDispatch(payload)` with each
 * dispatched event (the parsed frame, `t` and `d`) and the frame as it came; `onReady()` once READY came.
 */
export async function rawGateway({ pool, headers, onDispatch, onReady }) {
  const gatewayResponse = await pool.request({ path: '/gateway', method: 'GET', headers })
  const { url: gatewayUrl } = await gatewayResponse.body.json()
  let seq = null
  const ws = new WebSocket(gatewayUrl, { perMessageDeflate: false })
  ws.on('message', (data) => {
    const payload = JSON.parse(data)
    if (payload.s) seq = payload.s
    if (payload.op === 10) {
      setInterval(() => ws.send(JSON.stringify({ op: 1, d: seq })), payload.d.heartbeat_interval).unref()
      ws.send(
        JSON.stringify({ op: 2, d: { token: headers.authorization, intents: (1 << 25) | (1 << 30), shard: [0, 1] } }),
      )
      return
    }
    if (payload.op !== 0) return
    if (payload.t === 'READY') onReady()
    else onDispatch(payload, data)
  })
}

/** The floors' answer to a `/ping n` event (`t`, `d`), as bench/bot-core.mjs gives it; undefined for others. */
export function pongRequest(t, d) {
  const match = /\/ping (\d+)/.exec(d.content)
  if (!match) return undefined
  const path =
    t === 'GROUP_AT_MESSAGE_CREATE' ? `/v2/groups/${d.group_openid}/messages` : `/channels/${d.channel_id}/messages`
  return { path, body: JSON.stringify({ content: `pong ${match[1]}`, msg_type: 0, msg_id: d.id, msg_seq: 1 }) }
}

/** The public key the platform signs callbacks with: an Ed25519 key whose seed is the secret repeated to 32 bytes. */
export function webhookPublicKey(secret) {
  let seed = secret
  while (Buffer.byteLength(seed) < 32) seed += secret
  const pkcs8 = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.from(seed).subarray(0, 32),
  ])
  return createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }))
}

/** Whether a callback's Ed25519 signature (hex, over timestamp + body) is `publicKey`'s: one `verify`, nothing more. */
export function signedBy(publicKey, headers, body) {
  const timestamp = headers['x-signature-timestamp']
  const signature = Buffer.from(headers['x-signature-ed25519'] ?? '', 'hex')
  return (
    Boolean(timestamp) &&
    signature.length === 64 &&
    verify(null, Buffer.concat([Buffer.from(timestamp), body]), publicKey, signature)
  )
}
