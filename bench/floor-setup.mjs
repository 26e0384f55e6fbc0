// What the floors (bench/bot-raw.mjs, bench/bot-webhook-raw.mjs, bench/webhook-path-floor.mjs) set up once: an
// undici Pool of 32 connections with an access token, and the webhook's Ed25519 public key from the secret; and
// the floors' one check per callback.
import { createPrivateKey, createPublicKey, verify } from 'node:crypto'
import { Pool } from 'undici'

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
