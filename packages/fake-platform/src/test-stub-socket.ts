import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { WebSocket } from 'ws'
import { GatewayConnection, type GatewayContext } from './gateway-connection.js'
import { GatewayObservers } from './gateway-observers.js'
import { emptyGatewayStats, type GatewayFrame } from './gateway-types.js'
import { ShardSlots } from './shard-slots.js'

/**
 * The part of a `ws` WebSocket the gateway uses, recording what it is asked to do, for unit tests
 * of the gateway's parts without a network. Not part of the public API.
 */
export class StubSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN
  bufferedAmount = 0
  readonly sent: string[] = []
  closedWith: [number, string] | undefined
  terminated = false

  /** This stub typed as the `ws` socket it stands in for. */
  get ws(): WebSocket {
    return this as unknown as WebSocket
  }

  send(text: string): void {
    this.sent.push(text)
  }

  close(code: number, reason: string): void {
    this.closedWith = [code, reason]
    this.readyState = WebSocket.CLOSING
  }

  terminate(): void {
    this.terminated = true
    this.readyState = WebSocket.CLOSED
  }

  /** Every sent text, parsed. */
  payloads(): unknown[] {
    return this.sent.map((text) => JSON.parse(text) as unknown)
  }

  /** Delivers `payload` as if the client sent it (a string is sent as is). */
  receive(payload: unknown): void {
    this.emit('message', Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)))
  }
}

/** A fresh gateway context (stats, observers, slots) and every frame it reports. */
export function stubContext(): { context: GatewayContext; frames: GatewayFrame[] } {
  const stats = emptyGatewayStats()
  const observers = new GatewayObservers(() => JSON.stringify(stats))
  const frames: GatewayFrame[] = []
  observers.onFrame((frame) => frames.push(frame))
  const slots = new ShardSlots<GatewayConnection>({ logRetention: 100_000 })
  return { context: { stats, observers, slots }, frames }
}

/** A connection on a new {@link StubSocket}. */
export function stubConnection(context: GatewayContext): { conn: GatewayConnection; ws: StubSocket } {
  const ws = new StubSocket()
  return { conn: new GatewayConnection(ws.ws, {} as Socket, context), ws }
}
