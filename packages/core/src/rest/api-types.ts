/** Shapes of REST requests and responses (docs/protocol.md, sends). Unknown extra fields are kept by the platform's JSON. */
import type { Channel, Guild, Member, User } from '../events/payloads.js'
import type { Scene } from '../events/scene.js'

export interface GatewayInfo {
  url: string
}

export interface SessionStartLimit {
  total: number
  remaining: number
  /** Milliseconds until `remaining` resets. */
  reset_after: number
  /** How many shards may identify at once (per 5 s bucket). */
  max_concurrency: number
}

export interface GatewayBotInfo extends GatewayInfo {
  shards: number
  session_start_limit: SessionStartLimit
}

/** REST returns the same user, guild and channel shapes the events carry. */
export type ApiUser = User
export type ApiGuild = Guild
export type ApiChannel = Channel

/** A full guild member as `GET /guilds/{guild_id}/members` returns it. */
export interface ApiMember extends Member {
  user?: User
}

export interface ApiRole {
  id: string
  name?: string
  color?: number
  hoist?: number
  number?: number
  member_limit?: number
  [key: string]: unknown
}

/** `msg_type` of v2 (group/C2C) sends. */
export const MessageType = {
  TEXT: 0,
  MARKDOWN: 2,
  ARK: 3,
  EMBED: 4,
  /** A typing indicator (C2C): `input_notify` instead of content. */
  INPUT_NOTIFY: 6,
  MEDIA: 7,
} as const

export interface MarkdownBody {
  content?: string
  custom_template_id?: string
  params?: { key: string; values: string[] }[]
}

export interface KeyboardBody {
  id?: string
  content?: { rows: { buttons: unknown[] }[] }
}

export interface ArkBody {
  template_id: number
  kv: { key: string; value?: string; obj?: unknown[] }[]
}

/** Body of every send endpoint. Channel/DM sends ignore `msg_type`/`msg_seq`; group/C2C sends need `msg_type`. */
export interface MessageBody {
  content?: string
  msg_type?: number
  markdown?: MarkdownBody
  keyboard?: KeyboardBody
  ark?: ArkBody
  embed?: Record<string, unknown>
  /** Guild channel/DM: an image URL. */
  image?: string
  /** Group/C2C: the `file_info` from a media upload. */
  media?: { file_info: string }
  message_reference?: { message_id: string; ignore_get_message_error?: boolean }
  /** Passive reply to this message id. */
  msg_id?: string
  /** Passive reply to this non-message event id. */
  event_id?: string
  /** Distinct per reply to one `msg_id` (group/C2C). */
  msg_seq?: number
  [key: string]: unknown
}

/** One frame of a C2C stream, `POST /v2/users/{openid}/stream_messages` (docs/protocol.md, streamed messages). */
export interface StreamMessageBody {
  /** `'replace'`: every frame carries the whole text so far. */
  input_mode: 'replace'
  /** 1 generating, 10 finished. */
  input_state: 1 | 10
  content_type: 'markdown'
  content_raw: string
  /** The inbound message the stream answers (required). */
  msg_id: string
  /** One value for every frame of a stream, a new one per stream. */
  msg_seq: number
  /** Frame counter, up by one per frame from the stream's base (0 or 1). */
  index: number
  /** The `id` the first frame was answered with; absent on the first frame. */
  stream_msg_id?: string
  [key: string]: unknown
}

/** The answer to a stream frame: the first frame's `id` names the stream. */
export interface StreamMessageResult {
  id?: string
  timestamp?: string | number
  [key: string]: unknown
}

/** What a send returns: the new message's `id` and `timestamp`, or `audit_id` when it is held for review. */
export interface SendResult {
  id?: string
  timestamp?: string | number
  /**
   * Set when the platform held the message for review (HTTP 201/202 with code 304024) instead of sending
   * it: the id that MESSAGE_AUDIT_PASS/REJECT will name. Read from `data.message_audit.audit_id`,
   * `message_audit.audit_id` or a top-level `audit_id`, since sources disagree on where it is.
   */
  audit_id?: string
  /**
   * Set by replies (never by the platform): the platform already had this reply, because an earlier delivery
   * of the same event sent it (a redelivered event, a retry whose answer was lost). Nothing new was sent.
   */
  alreadySent?: true
  /**
   * Set by replies (never by the platform) when the message went out: where it is and when it was sent, what
   * `client.recall()` needs. Absent when nothing was sent (held for review, {@link alreadySent}).
   */
  sent?: SentMessage
  [key: string]: unknown
}

/** A message the bot sent, as `client.recall()` takes it: where it went, its id and, when known, its send time. */
export interface SentMessage {
  scene: Scene
  /** channel id, DM guild id, group openid or user openid (as in a reply target). */
  targetId: string
  /** The message id the platform gave. */
  id: string
  /** When the platform answered the send (ms since the epoch, this process's clock); lets a recall check the window first. */
  sentAt?: number
}

export interface DirectSession {
  guild_id: string
  channel_id?: string
  create_time?: string
}

/** `file_type` of a media upload: 1 image (png/jpg), 2 video (mp4), 3 voice (silk), 4 file. */
export type MediaFileType = 1 | 2 | 3 | 4

export interface MediaUpload {
  file_type: MediaFileType
  url?: string
  /** Base64 file content, instead of `url`. */
  file_data?: string
  /** The name a `file_type: 4` upload is shown with. */
  file_name?: string
  /** `true` sends the media at once and uses the proactive quota; keep it `false` and send `msg_type: 7`. */
  srv_send_msg?: boolean
}

export interface MediaInfo {
  file_uuid: string
  file_info: string
  ttl: number
  id?: string
}

/** Interaction acknowledgement codes: 0 ok, 1 failed, 2 too frequent, 3 duplicate, 4 no permission, 5 admin only. */
export type InteractionAckCode = 0 | 1 | 2 | 3 | 4 | 5
