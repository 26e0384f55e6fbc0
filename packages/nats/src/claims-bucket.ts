import type { KV } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { PubAckWindow } from './pub-ack-window.js'

/**
 * The key-value bucket of event claims and done marks. The two writes every event makes (taking its claim,
 * marking it done) go through a {@link PubAckWindow}, together with those of the other events of the same turn;
 * reads, renewals and takeovers, which are rare, through the bucket's own client `kv`.
 */
export class ClaimsBucket {
  private readonly window: PubAckWindow

  constructor(
    readonly kv: KV,
    private readonly bucket: string,
    nats: NatsConnection,
  ) {
    this.window = new PubAckWindow(nats)
  }

  /** Writes `value` under `key` only if the key holds nothing; its revision, or JetStream's error (10071 when taken). */
  async create(key: string, value: string): Promise<number> {
    return (await this.window.publish(this.subjectOf(key), value, { lastSubjectSequence: 0 })).seq
  }

  /** Writes `value` under `key`; its revision. */
  async put(key: string, value: string): Promise<number> {
    return (await this.window.publish(this.subjectOf(key), value)).seq
  }

  close(): void {
    this.window.close()
  }

  /** A bucket created by `Kvm.create()` (no domain, no mirror) stores `key` on this subject. */
  private subjectOf(key: string): string {
    return `$KV.${this.bucket}.${key}`
  }
}
