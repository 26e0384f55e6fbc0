import type { JsMsg } from '@nats-io/jetstream'
import type { KV } from '@nats-io/kv'
import { DONE_MARK } from '@qqbot/core/adapter'
import type { Claim } from './claim-key.js'
import { nextTurn } from './next-turn.js'

/**
 * Marks a handled event done under its claim, then acknowledges its message: with the other events finishing in
 * the same turn, so their marks and acknowledgements go out in one write each. The mark is stored (JetStream
 * answered) before the acknowledgement leaves, so the acknowledgement needs no answer of its own: one lost on
 * the way only brings the message back, and its done mark skips it then. Without a claim (an event with no
 * dedupe key) nothing would skip it: that acknowledgement waits for JetStream's answer.
 */
export async function markDoneAndAck(kv: KV, msg: JsMsg, claim: Claim | undefined): Promise<void> {
  await nextTurn()
  if (!claim) {
    await msg.ackAck()
    return
  }
  await kv.put(claim.key, DONE_MARK)
  msg.ack()
}
