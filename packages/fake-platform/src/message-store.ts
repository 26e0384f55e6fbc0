import { randomHex, uniqueId } from './ids.js'
import type { Scene } from './records.js'

/** A message the bot sent, as kept for `GET /channels/{cid}/messages/{mid}`. */
export interface StoredMessage {
  /** Scene of the send endpoint. */
  scene: Scene
  /** channel id, DM guild id, group openid or user openid. */
  target: string
  /** Assigned message id. */
  id: string
  /** RFC3339 send time. */
  timestamp: string
  /** Send time on the platform's clock (ms): recalls are checked against it. */
  sentAt: number
  /** The request body. */
  body: unknown
}

/** A DM session created by `POST /users/@me/dms`. */
export interface DmSession {
  /** DM "guild" id to send to with `POST /dms/{guild_id}/messages`. */
  guild_id: string
  /** DM channel id. */
  channel_id: string
  /** Creation time, epoch seconds as a string. */
  create_time: string
}

/** What the platform makes of a v2 passive send before accepting it. */
export type V2Claim = 'accepted' | 'duplicate' | 'over-budget'

/** Accepted messages, the v2 `msg_seq` dedupe set, the per-message reply budget and DM sessions. */
export class MessageStore {
  private readonly messages = new Map<string, StoredMessage>()
  private readonly v2Keys = new Set<string>()
  /** Replies accepted per replied-to message or event. */
  private readonly repliesPerReference = new Map<string, number>()
  private readonly dms = new Map<string, DmSession>()

  /** Returns a fresh message id in the style of the scene. */
  newId(scene: Scene): string {
    return scene === 'group' || scene === 'c2c' ? `ROBOT1.0_${uniqueId()}` : `08${uniqueId()}${randomHex(8)}`
  }

  /**
   * Registers a v2 (group/C2C) passive send: `'duplicate'` when the same `(target, msg_id|event_id, msg_seq)`
   * was already accepted (a missing msg_seq counts as 1), `'over-budget'` when `budget` replies to that
   * message or event were already accepted. Sends with neither msg_id nor event_id (proactive) are never
   * deduplicated nor counted.
   */
  claimV2(scene: 'group' | 'c2c', target: string, body: Record<string, unknown>, budget: number): V2Claim {
    const ref = body.msg_id ?? body.event_id
    if (ref === undefined || ref === null || ref === '') return 'accepted'
    const seq = body.msg_seq ?? 1
    const key = JSON.stringify([scene, target, String(ref), String(seq)])
    if (this.v2Keys.has(key)) return 'duplicate'
    const referenceKey = JSON.stringify([scene, target, String(ref)])
    const replies = this.repliesPerReference.get(referenceKey) ?? 0
    if (replies >= budget) return 'over-budget'
    this.repliesPerReference.set(referenceKey, replies + 1)
    this.v2Keys.add(key)
    return 'accepted'
  }

  /** Stores an accepted message. */
  store(message: StoredMessage): void {
    this.messages.set(key(message.scene, message.target, message.id), message)
  }

  /** Looks up a stored message. */
  get(scene: Scene, target: string, id: string): StoredMessage | undefined {
    return this.messages.get(key(scene, target, id))
  }

  /** Removes a stored message (recall); returns whether it existed. */
  delete(scene: Scene, target: string, id: string): boolean {
    return this.messages.delete(key(scene, target, id))
  }

  /** Returns the DM session for a recipient, creating it on first use. */
  dmSession(recipientId: string, nowMs: number): DmSession {
    let session = this.dms.get(recipientId)
    if (!session) {
      session = {
        guild_id: `dms-${recipientId}`,
        channel_id: `dm-channel-${recipientId}`,
        create_time: String(Math.floor(nowMs / 1000)),
      }
      this.dms.set(recipientId, session)
    }
    return session
  }
}

function key(scene: Scene, target: string, id: string): string {
  return `${scene}\u0000${target}\u0000${id}`
}
