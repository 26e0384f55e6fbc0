import { DONE_MARK } from '@qqbot/core/adapter'
import type { Claim } from './claim-key.js'
import type { ClaimsBucket } from './claims-bucket.js'
import { acknowledge, acknowledgeAndWait, type EventMessage } from './event-message.js'

/**
 * Marks a handled event done under its claim, then acknowledges its message. The marks of the events finishing
 * in one turn go out in one write (see {@link ClaimsBucket}); the mark is stored (JetStream answered) before the
 * acknowledgement leaves, so the acknowledgement needs no answer of its own: one lost on the way only brings
 * the message back, and its done mark skips it then. Without a claim (an event with no dedupe key) nothing
 * would skip it: that acknowledgement waits for JetStream's answer.
 */
export async function markDoneAndAck(
  claims: ClaimsBucket,
  event: EventMessage,
  claim: Claim | undefined,
): Promise<void> {
  if (!claim) return acknowledgeAndWait(event)
  await claims.put(claim.key, DONE_MARK)
  acknowledge(event)
}
