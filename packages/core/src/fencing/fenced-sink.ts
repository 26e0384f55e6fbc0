import type { EventEnvelope, EventSink } from '../pipeline/event-envelope.js'

/** What the sink asks about the shard's lease (held in a coordinator's store: Redis, etcd, …). */
export interface LeaseCheck {
  /** True while the lease is surely still ours (or the store is out and the coordinator runs on). */
  isValid(): boolean
  /** Asks the store: `held` (extended), `lost` (another process owns it), `unknown` (the store did not answer). */
  confirm(): Promise<'held' | 'lost' | 'unknown'>
}

/**
 * Sits between a leased shard and the pipeline. While the lease is valid, events pass straight through.
 * Once it may have run out (the process was paused past it), events are held and the socket paused until
 * the coordinator's store confirms the lease: then they flow on; if another process owns the shard now, they are dropped,
 * because the new owner RESUMEs from the stored seq and is replayed them. Events already queued are asked
 * the same when their turn comes (`admit`), so waking from a pause does not run them either.
 */
export class FencedSink implements EventSink {
  private held: EventEnvelope[] = []
  private confirming = false
  private readonly drainListeners = new Set<() => void>()
  /** One question to the store for every queued event whose turn comes meanwhile. */
  private asking: Promise<boolean> | undefined

  constructor(
    private readonly inner: EventSink,
    private readonly lease: LeaseCheck,
    private readonly onLost: () => void,
  ) {}

  push(event: EventEnvelope): boolean {
    // Checked again when the event's turn comes: it may wait in the queue past the lease (a paused process).
    const envelope: EventEnvelope = { ...event, admit: () => this.stillOurs() }
    if (this.held.length === 0 && this.lease.isValid()) return this.inner.push(envelope)
    this.held.push(envelope)
    if (!this.confirming) void this.confirm()
    return false
  }

  onDrain(listener: () => void): () => void {
    const unsubscribe = this.inner.onDrain(listener)
    this.drainListeners.add(listener)
    return () => {
      unsubscribe()
      this.drainListeners.delete(listener)
    }
  }

  private stillOurs(): boolean | Promise<boolean> {
    if (this.lease.isValid()) return true
    this.asking ??= this.lease.confirm().then((verdict) => {
      this.asking = undefined
      if (verdict === 'lost') this.onLost()
      return verdict !== 'lost'
    })
    return this.asking
  }

  private async confirm(): Promise<void> {
    this.confirming = true
    const verdict = await this.lease.confirm()
    this.confirming = false
    const events = this.held
    this.held = []
    if (verdict === 'lost') return this.onLost()
    let open = true
    for (const envelope of events) open = this.inner.push(envelope) && open
    if (open) for (const listener of [...this.drainListeners]) listener()
  }
}
