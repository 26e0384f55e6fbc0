import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws'
import type { CloseAction } from './close-codes.js'
import { GatewaySocket } from './gateway-socket.js'
import { GatewayOp } from './opcodes.js'

const HELLO = '{"op":10,"d":{"heartbeat_interval":45000}}'

let server: WebSocketServer
let url: string
let peers: { socket: ServerSocket; received: string[]; closed?: { code: number; reason: string } }[]

beforeEach(async () => {
  peers = []
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  server.on('connection', (socket) => {
    const peer: (typeof peers)[number] = { socket, received: [] }
    peers.push(peer)
    socket.on('message', (data) => peer.received.push(data.toString()))
    socket.on('close', (code, reason) => (peer.closed = { code, reason: reason.toString() }))
    socket.send(HELLO)
  })
  await new Promise((resolve) => server.once('listening', resolve))
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve))
})

function open() {
  const closes: { code: number; plannedAction: CloseAction | undefined }[] = []
  const messages: string[] = []
  const socket = new GatewaySocket(url, 5_000, {
    message: (data) => messages.push(data.toString()),
    close: (code, _reason, plannedAction) => closes.push({ code, plannedAction }),
    error: () => undefined,
  })
  return { socket, closes, messages }
}

describe('GatewaySocket', () => {
  it('GIVEN the socket is not open yet THEN send drops the payload; once open frames arrive and payloads go out as JSON', async () => {
    const { socket, messages } = open()
    socket.send({ op: GatewayOp.HEARTBEAT, d: null })
    await expect.poll(() => messages).toEqual([HELLO])
    socket.send({ op: GatewayOp.HEARTBEAT, d: 3 })
    await expect.poll(() => peers[0]?.received).toEqual([JSON.stringify({ op: GatewayOp.HEARTBEAT, d: 3 })])
    socket.terminate()
  })

  it('GIVEN a graceful drop THEN the server gets close 4000 and the close handler the action we meant', async () => {
    const { socket, closes, messages } = open()
    await expect.poll(() => messages).toEqual([HELLO])
    socket.drop('identify', true)
    await expect.poll(() => closes).toEqual([{ code: 4000, plannedAction: 'identify' }])
    expect(peers[0]!.closed?.code).toBe(4000)
  })

  it('GIVEN a drop that is not graceful THEN the socket is terminated (1006) with the action still known', async () => {
    const { socket, closes } = open()
    await expect.poll(() => peers.length).toBe(1)
    socket.drop('resume')
    await expect.poll(() => closes).toEqual([{ code: 1006, plannedAction: 'resume' }])
  })

  it('GIVEN shutDown THEN it closes with 1000, or 4000 for a handoff, and resolves once closed', async () => {
    // Open on the client's side too (HELLO read), not only accepted by the server: a close before the handshake
    // completes aborts it instead (1006).
    const first = open()
    await expect.poll(() => first.messages).toEqual([HELLO])
    await first.socket.shutDown(false)
    await expect.poll(() => peers[0]!.closed).toEqual({ code: 1000, reason: 'shutdown' })
    expect(first.closes).toEqual([{ code: 1000, plannedAction: undefined }])

    const second = open()
    await expect.poll(() => second.messages).toEqual([HELLO])
    await second.socket.shutDown(true)
    await expect.poll(() => peers[1]!.closed).toEqual({ code: 4000, reason: 'handoff' })
    await second.socket.shutDown(true)
  })
})
