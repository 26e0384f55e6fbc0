import type { GatewayPayload } from './opcodes.js'

/**
 * Frames a shard read while its handlers were behind, kept in order until the sink takes events again. The
 * socket is read on meanwhile, up to `budgetBytes` of held frames, so a heartbeat ACK the server sent behind
 * a dispatch backlog is still seen (and handled at once, ahead of the held dispatches).
 */
export class HeldFrames {
  private frames: { payload: GatewayPayload; bytes: number }[] = []
  private head = 0
  private bytes = 0

  constructor(private readonly budgetBytes: number) {}

  get size(): number {
    return this.frames.length - this.head
  }

  /** True once the held frames reach the budget: stop reading the socket until some are handed over. */
  get full(): boolean {
    return this.bytes >= this.budgetBytes
  }

  push(payload: GatewayPayload, bytes: number): void {
    this.frames.push({ payload, bytes })
    this.bytes += bytes
  }

  shift(): GatewayPayload | undefined {
    const frame = this.frames[this.head]
    if (!frame) return undefined
    this.head++
    this.bytes -= frame.bytes
    if (this.head === this.frames.length) this.clear()
    return frame.payload
  }

  clear(): void {
    this.frames = []
    this.head = 0
    this.bytes = 0
  }
}
