// The no-framework floor: ws + JSON.parse + an undici Pool of 32 connections, replying to /ping n.
import WebSocket from 'ws'
import { floorRest } from './floor-setup.mjs'
import { serveStats } from './ipc.mjs'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret } = process.env
const { pool, headers } = await floorRest({ url, appId, secret })
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
  if (payload.t === 'READY') return process.send({ type: 'ready' })
  const d = payload.d
  const match = /\/ping (\d+)/.exec(d.content)
  if (!match) return
  const path =
    payload.t === 'GROUP_AT_MESSAGE_CREATE'
      ? `/v2/groups/${d.group_openid}/messages`
      : `/channels/${d.channel_id}/messages`
  pool
    .request({
      path,
      method: 'POST',
      headers,
      body: JSON.stringify({ content: `pong ${match[1]}`, msg_type: 0, msg_id: d.id, msg_seq: 1 }),
    })
    .then((response) => response.body.dump())
    .catch((error) => console.error('raw send failed', error.message))
})

serveStats()
