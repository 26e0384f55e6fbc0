import { QQBotError } from '../errors/qqbot-error.js'

/**
 * The ingress and the workers of one bot use different partition layouts: one side writes to (or reads) the
 * shared stream, the other the partitions, so events would wait where nobody reads them. Thrown at `start()`
 * by the broker adapters (`@qqbot/redis`, `@qqbot/nats`) when they see a live process of the other layout.
 */
export class StreamLayoutMismatchError extends QQBotError {
  constructor(
    readonly role: 'ingress' | 'worker',
    readonly partitions: number,
    readonly evidence: string,
  ) {
    const mine = partitions > 0 ? `with ${partitions} partitions` : 'without partitions (partitions: false)'
    super(
      'STREAM_LAYOUT_MISMATCH',
      `This ${role} was started ${mine}, but ${evidence}: events would wait where nobody reads them. ` +
        'Give the ingress and every worker the same partitions option (partitions are on by default: ' +
        'leave it unset everywhere, or set partitions: false everywhere), and stop the processes of the old ' +
        'layout first (docs/scaling.md, "Upgrading to partitions").',
    )
  }
}
