import { ConfigError } from '@qqbot/core'

/** How `@OnButton` clicks are acknowledged; the bot option `buttons`. */
export interface ButtonHandlingOptions {
  /**
   * A handler still running this long after the click gets its interaction acknowledged with 0 (ok) then,
   * since the platform takes acknowledgements only within 5 s; a later outcome cannot change that code.
   * Default 3000 ms; between 1 and 4500.
   */
  ackAfterMs?: number
}

const DEFAULT_ACK_AFTER_MS = 3_000
const LATEST_ACK_AFTER_MS = 4_500

/** The resolved `ackAfterMs`, checked. */
export function resolveAckAfterMs(options: ButtonHandlingOptions = {}): number {
  const ms = options.ackAfterMs ?? DEFAULT_ACK_AFTER_MS
  if (!Number.isFinite(ms) || ms < 1 || ms > LATEST_ACK_AFTER_MS)
    throw new ConfigError(
      `buttons.ackAfterMs must be between 1 and ${LATEST_ACK_AFTER_MS} ms (the platform takes an acknowledgement only within 5 s); got ${ms}.`,
    )
  return ms
}
