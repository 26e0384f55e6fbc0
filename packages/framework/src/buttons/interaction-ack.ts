import { QQBotError, type InteractionAckCode, type QQBotClient } from '@qqbot/core'
import { defineCounter } from '@qqbot/core/adapter'

/** Acknowledgements sent, by code and by who chose it (`handler`: `ctx.ack()`, a guard's; `framework`: automatic). */
export const INTERACTIONS_ACKED = defineCounter(
  'interactions_acked',
  'Button interactions acknowledged (PUT /interactions/{id}), by code and by who chose the code (handler or framework)',
)

/** A second acknowledgement of one interaction: the platform takes only one. */
export class InteractionAlreadyAckedError extends QQBotError {
  constructor(interactionId: string, code: InteractionAckCode) {
    super(
      'INTERACTION_ALREADY_ACKED',
      `Interaction ${interactionId} was already acknowledged (code ${code}); the platform takes one acknowledgement per interaction. ` +
        'Call ctx.ack() once, and before buttons.ackAfterMs, after which the framework acknowledges for you.',
    )
  }
}

/** The one acknowledgement of one interaction: sent by the handler (`send`) or by the framework (`settle`), never twice. */
export class InteractionAck {
  private sentCode: InteractionAckCode | undefined

  constructor(
    readonly interactionId: string,
    private readonly client: QQBotClient,
  ) {}

  /** The code sent, once it was. */
  get code(): InteractionAckCode | undefined {
    return this.sentCode
  }

  /** Sends `code`; rejects with {@link InteractionAlreadyAckedError} when an acknowledgement was already sent. */
  async send(code: InteractionAckCode, by: 'handler' | 'framework' = 'handler'): Promise<void> {
    if (!Number.isInteger(code) || code < 0 || code > 5)
      throw new TypeError(`An interaction is acknowledged with a code 0..5; got ${String(code)}.`)
    if (this.sentCode !== undefined) throw new InteractionAlreadyAckedError(this.interactionId, this.sentCode)
    this.sentCode = code
    this.client.metricsRegistry.inc(INTERACTIONS_ACKED, { code, by })
    await this.client.api.ackInteraction(this.interactionId, code)
  }

  /** Sends `code` unless an acknowledgement was already sent; a failure is logged, not thrown. */
  async settle(code: InteractionAckCode): Promise<void> {
    if (this.sentCode !== undefined) return
    try {
      await this.send(code, 'framework')
    } catch (error) {
      this.client.logger.warn({ err: error, interaction: this.interactionId }, 'could not acknowledge the interaction')
    }
  }
}
