// The no-framework floor: ws + JSON.parse + an undici Pool of 32 connections, replying to /ping n.
import { floorRest, pongRequest, rawGateway } from './floor-setup.mjs'
import { serveStats } from './ipc.mjs'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret } = process.env
const { pool, headers } = await floorRest({ url, appId, secret })
await rawGateway({
  pool,
  headers,
  onReady: () => process.send({ type: 'ready' }),
  onDispatch: ({ t, d }) => {
    const pong = pongRequest(t, d)
    if (!pong) return
    pool
      .request({ path: pong.path, method: 'POST', headers, body: pong.body })
      .then((response) => response.body.dump())
      .catch((error) => console.error('raw send failed', error.message))
  },
})

serveStats()
