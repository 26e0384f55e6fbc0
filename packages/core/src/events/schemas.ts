/**
 * Runtime validation of dispatch payloads at the edge (gateway or webhook), with zod 4.
 *
 * Lenient by design:
 * - every object keeps the fields it does not declare (`z.looseObject`), so nothing the platform
 *   adds later is lost;
 * - only the fields the runtime relies on are required (message ids, content, scene ids, author
 *   ids, ...); the other declared fields are optional and only type-checked when present;
 * - fields an interface lists but a schema does not declare pass through unchecked.
 *
 * `eventSchemas` is checked against `EventPayloadMap` at compile time: a schema whose output is not
 * assignable to its interface (missing required field, wrong type, optional where the interface
 * says required) or that declares a field the interface lacks fails `tsc`.
 *
 * All schemas are built once at module load; `parseEventPayload` runs on every event.
 */
import { z } from 'zod'
import type { EventPayloadMap, KnownEventName } from './event-names.js'
import { describeIssue, foldPath, normalisePayload, type NonconformingField } from './normalize.js'
import type {
  Attachment,
  C2CAuthor,
  GroupAuthor,
  GroupMention,
  MentionedUser,
  Member,
  MessageReference,
  MessageScene,
  Timestamp,
  User,
} from './payloads.js'

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** RFC 3339 string (messages) or Unix seconds (group/C2C management events). */
const timestamp = z.union([z.string(), z.number()], {
  error: 'expected string or number',
}) satisfies z.ZodType<Timestamp>

const optString = z.string().optional()
const optTimestamp = timestamp.optional()

const userSchema = z.looseObject({
  id: z.string(),
  username: optString,
  avatar: optString,
  bot: z.boolean().optional(),
  union_openid: optString,
}) satisfies z.ZodType<User>

const memberShape = {
  joined_at: optTimestamp,
  roles: z.array(z.string()).optional(),
  nick: optString,
}
const memberSchema = z.looseObject(memberShape) satisfies z.ZodType<Member>

const attachmentSchema = z.looseObject({
  url: z.string(),
  content_type: optString,
  filename: optString,
}) satisfies z.ZodType<Attachment>

const messageReferenceSchema = z.looseObject({
  message_id: z.string(),
}) satisfies z.ZodType<MessageReference>

const messageSceneSchema = z.looseObject({
  source: optString,
}) satisfies z.ZodType<MessageScene>

const c2cAuthorSchema = z.looseObject({
  user_openid: z.string(),
  id: optString,
  union_openid: optString,
}) satisfies z.ZodType<C2CAuthor>

const groupAuthorSchema = z.looseObject({
  member_openid: z.string(),
  id: optString,
  union_openid: optString,
  member_role: optString,
}) satisfies z.ZodType<GroupAuthor>

const groupMentionSchema = z.looseObject({
  id: optString,
  member_openid: optString,
  is_you: z.boolean().optional(),
}) satisfies z.ZodType<GroupMention>

const mentionedUserSchema = z.looseObject({
  id: optString,
  bot: z.boolean().optional(),
}) satisfies z.ZodType<MentionedUser>

// ---------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------

const readySchema = z.looseObject({
  version: z.number().optional(),
  session_id: z.string(),
  user: userSchema,
  shard: z.array(z.number()).optional(),
})

/** The docs send `d: ""`; other shapes are accepted because the payload carries no information. */
const resumedSchema = z.union([z.string(), z.null(), z.record(z.string(), z.unknown())], {
  error: 'expected string, null or object',
})

const guildSchema = z.looseObject({
  id: z.string(),
  name: optString,
  owner_id: optString,
  joined_at: optTimestamp,
  op_user_id: optString,
})

const channelSchema = z.looseObject({
  id: z.string(),
  guild_id: z.string(),
  name: optString,
  type: z.number().optional(),
  parent_id: optString,
  op_user_id: optString,
})

const guildMemberSchema = z.looseObject({
  ...memberShape,
  guild_id: z.string(),
  user: userSchema,
  op_user_id: optString,
})

const guildMessageSchema = z.looseObject({
  id: z.string(),
  channel_id: z.string(),
  guild_id: z.string(),
  content: z.string(),
  timestamp: optTimestamp,
  edited_timestamp: optTimestamp,
  mention_everyone: z.boolean().optional(),
  author: userSchema,
  member: memberSchema.optional(),
  attachments: z.array(attachmentSchema).optional(),
  mentions: z.array(mentionedUserSchema).optional(),
  message_reference: messageReferenceSchema.optional(),
})

const directMessageSchema = guildMessageSchema.extend({
  direct_message: z.boolean().optional(),
  src_guild_id: optString,
})

const messageDeleteSchema = z.looseObject({
  message: z.looseObject({
    id: z.string(),
    channel_id: optString,
    guild_id: optString,
    author: userSchema.optional(),
  }),
  op_user: userSchema.optional(),
})

const messageReactionSchema = z.looseObject({
  user_id: z.string(),
  guild_id: z.string(),
  channel_id: z.string(),
  target: z.looseObject({ id: z.string() }),
  emoji: z.looseObject({ id: z.string() }),
})

const messageAuditSchema = z.looseObject({
  audit_id: z.string(),
  message_id: optString,
  guild_id: optString,
  channel_id: optString,
  audit_time: optTimestamp,
  create_time: optTimestamp,
})

const c2cMessageSchema = z.looseObject({
  id: z.string(),
  content: z.string(),
  author: c2cAuthorSchema,
  timestamp: optTimestamp,
  attachments: z.array(attachmentSchema).optional(),
  message_reference: messageReferenceSchema.optional(),
  message_scene: messageSceneSchema.optional(),
})

const groupMessageSchema = z.looseObject({
  id: z.string(),
  content: z.string(),
  group_openid: z.string(),
  author: groupAuthorSchema,
  timestamp: optTimestamp,
  attachments: z.array(attachmentSchema).optional(),
  mentions: z.array(groupMentionSchema).optional(),
  message_reference: messageReferenceSchema.optional(),
  message_scene: messageSceneSchema.optional(),
})

const c2cUserEventSchema = z.looseObject({
  openid: z.string(),
  timestamp: optTimestamp,
})

const groupRobotEventSchema = z.looseObject({
  group_openid: z.string(),
  op_member_openid: optString,
  timestamp: optTimestamp,
})

const groupMemberEventSchema = z.looseObject({
  group_openid: z.string(),
  member_openid: z.string(),
  timestamp: optTimestamp,
})

const groupJoinRequestSchema = z.looseObject({
  group_openid: z.string(),
  join_request_id: z.string(),
  member_openid: z.string(),
  apply_at: optTimestamp,
})

const subscribeMessageStatusSchema = z.looseObject({
  group_openid: optString,
  openid: optString,
})

const enterAioSchema = z.looseObject({
  user_openid: z.string(),
  from_source: optString,
})

const interactionSchema = z
  .looseObject({
    id: z.string(),
    type: z.number().optional(),
    scene: optString,
    chat_type: z.number().optional(),
    timestamp: optTimestamp,
    guild_id: optString,
    channel_id: optString,
    group_openid: optString,
    group_member_openid: optString,
    user_openid: optString,
    data: z
      .looseObject({
        type: z.number().optional(),
        resolved: z
          .looseObject({
            button_data: optString,
            button_id: optString,
            user_id: optString,
            feature_id: optString,
            message_id: optString,
            checked: z.number().optional(),
            feedback_opt: optString,
          })
          .optional(),
      })
      .optional(),
  })
  .refine((d) => d.chat_type !== undefined || d.scene !== undefined, {
    error: 'expected chat_type or scene',
  })

const guildScoped = { guild_id: z.string(), channel_id: z.string(), author_id: optString }

const forumThreadSchema = z.looseObject({
  ...guildScoped,
  thread_info: z.looseObject({ thread_id: z.string() }).optional(),
})

const forumPostSchema = z.looseObject({
  ...guildScoped,
  post_info: z.looseObject({ thread_id: z.string(), post_id: z.string() }).optional(),
})

const forumReplySchema = z.looseObject({
  ...guildScoped,
  reply_info: z.looseObject({ thread_id: z.string(), post_id: z.string(), reply_id: z.string() }).optional(),
})

const forumAuditResultSchema = z.looseObject({
  ...guildScoped,
  thread_id: optString,
  post_id: optString,
  reply_id: optString,
  result: z.number().optional(),
})

const openForumSchema = z.looseObject(guildScoped)

const audioActionSchema = z.looseObject({
  guild_id: z.string(),
  channel_id: z.string(),
  audio_url: optString,
})

const audioLiveMemberSchema = z.looseObject({
  guild_id: z.string(),
  channel_id: z.string(),
  channel_type: z.number().optional(),
  user_id: optString,
})

/** A schema per known event, whose output must be assignable to the event's interface. */
export const eventSchemas = {
  READY: readySchema,
  RESUMED: resumedSchema,
  GUILD_CREATE: guildSchema,
  GUILD_UPDATE: guildSchema,
  GUILD_DELETE: guildSchema,
  CHANNEL_CREATE: channelSchema,
  CHANNEL_UPDATE: channelSchema,
  CHANNEL_DELETE: channelSchema,
  GUILD_MEMBER_ADD: guildMemberSchema,
  GUILD_MEMBER_UPDATE: guildMemberSchema,
  GUILD_MEMBER_REMOVE: guildMemberSchema,
  MESSAGE_CREATE: guildMessageSchema,
  MESSAGE_DELETE: messageDeleteSchema,
  AT_MESSAGE_CREATE: guildMessageSchema,
  PUBLIC_MESSAGE_DELETE: messageDeleteSchema,
  DIRECT_MESSAGE_CREATE: directMessageSchema,
  DIRECT_MESSAGE_DELETE: messageDeleteSchema,
  MESSAGE_REACTION_ADD: messageReactionSchema,
  MESSAGE_REACTION_REMOVE: messageReactionSchema,
  C2C_MESSAGE_CREATE: c2cMessageSchema,
  FRIEND_ADD: c2cUserEventSchema,
  FRIEND_DEL: c2cUserEventSchema,
  C2C_MSG_REJECT: c2cUserEventSchema,
  C2C_MSG_RECEIVE: c2cUserEventSchema,
  GROUP_AT_MESSAGE_CREATE: groupMessageSchema,
  GROUP_MESSAGE_CREATE: groupMessageSchema,
  GROUP_ADD_ROBOT: groupRobotEventSchema,
  GROUP_DEL_ROBOT: groupRobotEventSchema,
  GROUP_MSG_REJECT: groupRobotEventSchema,
  GROUP_MSG_RECEIVE: groupRobotEventSchema,
  GROUP_MEMBER_ADD: groupMemberEventSchema,
  GROUP_MEMBER_REMOVE: groupMemberEventSchema,
  GROUP_MEMBER_UPDATE: groupMemberEventSchema,
  GROUP_JOIN_REQUEST: groupJoinRequestSchema,
  SUBSCRIBE_MESSAGE_STATUS: subscribeMessageStatusSchema,
  INTERACTION_CREATE: interactionSchema,
  MESSAGE_AUDIT_PASS: messageAuditSchema,
  MESSAGE_AUDIT_REJECT: messageAuditSchema,
  FORUM_THREAD_CREATE: forumThreadSchema,
  FORUM_THREAD_UPDATE: forumThreadSchema,
  FORUM_THREAD_DELETE: forumThreadSchema,
  FORUM_POST_CREATE: forumPostSchema,
  FORUM_POST_DELETE: forumPostSchema,
  FORUM_REPLY_CREATE: forumReplySchema,
  FORUM_REPLY_DELETE: forumReplySchema,
  FORUM_PUBLISH_AUDIT_RESULT: forumAuditResultSchema,
  OPEN_FORUM_THREAD_CREATE: openForumSchema,
  OPEN_FORUM_THREAD_UPDATE: openForumSchema,
  OPEN_FORUM_THREAD_DELETE: openForumSchema,
  OPEN_FORUM_POST_CREATE: openForumSchema,
  OPEN_FORUM_POST_DELETE: openForumSchema,
  OPEN_FORUM_REPLY_CREATE: openForumSchema,
  OPEN_FORUM_REPLY_DELETE: openForumSchema,
  AUDIO_START: audioActionSchema,
  AUDIO_FINISH: audioActionSchema,
  AUDIO_ON_MIC: audioActionSchema,
  AUDIO_OFF_MIC: audioActionSchema,
  AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER: audioLiveMemberSchema,
  AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT: audioLiveMemberSchema,
  ENTER_AIO: enterAioSchema,
} satisfies { readonly [K in KnownEventName]: z.ZodType<EventPayloadMap[K]> }

// ---------------------------------------------------------------------------------------------
// Compile-time check, the other direction: a schema must not declare a top-level field its
// interface does not have (a typo such as `group_open_id` would otherwise slip through, since
// extra properties are assignable). Interfaces with an index signature accept any field.
// ---------------------------------------------------------------------------------------------

/** The literal (non-index-signature) keys of T. */
type DeclaredKeys<T> = keyof {
  [K in keyof T as string extends K ? never : number extends K ? never : K]: unknown
}
type ObjectPart<T> = Extract<T, object>
type UndeclaredSchemaKeys = {
  [K in KnownEventName]: Exclude<
    DeclaredKeys<ObjectPart<z.output<(typeof eventSchemas)[K]>>>,
    keyof ObjectPart<EventPayloadMap[K]>
  >
}[KnownEventName]
type AssertNever<T extends never> = T
/** Fails to compile (naming the field) when a schema declares a field its interface lacks. */
export type _SchemaFieldsMatchInterfaces = AssertNever<UndeclaredSchemaKeys>

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** Result of checking one dispatch payload. Never a refusal: a payload that does not conform is delivered too. */
export interface ParseEventResult {
  /** Whether the event name has a schema. */
  known: boolean
  /** The payload to deliver: the validated copy, the normalised copy, or `d` as received. */
  data: unknown
  /** Set when the payload did not conform: each odd field, and whether it was rewritten to the documented shape. */
  nonconforming?: readonly NonconformingField[]
}

/** Result of checking the payload of a known event, with its type (which fields listed in `nonconforming` may break). */
export interface ParseKnownEventResult<K extends KnownEventName> extends ParseEventResult {
  known: true
  data: EventPayloadMap[K]
}

const SCHEMAS: ReadonlyMap<string, z.ZodType> = new Map(Object.entries(eventSchemas))

/**
 * Checks the payload `d` of the dispatch `name` and never refuses it:
 * - an unknown event name: `{ known: false, data: d }`;
 * - a conforming payload: `{ known: true, data }`, a copy keeping every field, declared or not;
 * - otherwise the known variants are rewritten to the documented shape (`group_id` → `group_openid`, a
 *   number id → its string, ...) and checked again; what still does not conform is delivered as received,
 *   and `nonconforming` lists every odd field, e.g. `{ path: 'author.user_openid', problem: 'expected
 *   string, received undefined', normalised: false }`.
 *
 * Never throws.
 */
export function parseEventPayload<K extends KnownEventName>(name: K, d: unknown): ParseKnownEventResult<K>
export function parseEventPayload(name: string, d: unknown): ParseEventResult
export function parseEventPayload(name: string, d: unknown): ParseEventResult {
  const schema = SCHEMAS.get(name)
  if (schema === undefined) return { known: false, data: d }
  try {
    const first = schema.safeParse(d)
    if (first.success) return { known: true, data: first.data }
    const { data: normalised, fixed } = normalisePayload(name, d, first.error.issues)
    const second = fixed.length > 0 ? schema.safeParse(normalised) : first
    if (second.success) return { known: true, data: second.data, nonconforming: fixed }
    const remaining = second.error.issues.map((issue) => ({
      path: foldPath(issue.path),
      problem: describeIssue(issue),
      normalised: false,
    }))
    return { known: true, data: normalised, nonconforming: [...fixed, ...remaining] }
  } catch (err) {
    // safeParse reports issues instead of throwing, but a hostile input (throwing getter, Proxy) can still throw.
    return {
      known: true,
      data: d,
      nonconforming: [
        {
          path: '(root)',
          problem: `could not be read (${err instanceof Error ? err.message : String(err)})`,
          normalised: false,
        },
      ],
    }
  }
}
