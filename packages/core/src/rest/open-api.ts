import { ProactiveMessageError } from './api-error.js'
import { GroupsApi } from '../groups/groups-api.js'
import { PanelsApi } from '../panels/panels-api.js'
import type { RestClient, RestRequest } from './rest-client.js'
import { toSendResult } from './send-result.js'
import type {
  ApiChannel,
  ApiGuild,
  ApiMember,
  ApiRole,
  ApiUser,
  DirectSession,
  GatewayBotInfo,
  GatewayInfo,
  InteractionAckCode,
  MediaInfo,
  MediaUpload,
  MessageBody,
  SendResult,
  StreamMessageBody,
  StreamMessageResult,
} from './api-types.js'

const id = encodeURIComponent

/** Per-call tuning of a typed method: timeout, retries, and how long rate limits are retried. */
export type CallOptions = Pick<RestRequest, 'timeoutMs' | 'retries' | 'retryWithinMs'>

/**
 * Typed methods for the OpenAPI endpoints a bot uses. Each is a thin call on {@link RestClient}, so
 * hooks, retries and token refresh apply; anything not covered here goes through {@link OpenApi.request}.
 * Group and C2C sends must be passive replies (`msg_id` or `event_id`): proactive messages were
 * discontinued on 2025-04-21, so the typed helpers refuse them before any request
 * ({@link ProactiveMessageError}).
 */
export class OpenApi {
  /** The command panel endpoints (`/v2/panels`). */
  readonly panels: PanelsApi
  /** The v2 group-management endpoints (members, join requests, batch remove); mostly invite-only. */
  readonly groups: GroupsApi

  constructor(readonly rest: RestClient) {
    this.panels = new PanelsApi(rest)
    this.groups = new GroupsApi(rest)
  }

  /** Any endpoint, typed by the caller. */
  request<T = unknown>(request: RestRequest): Promise<T> {
    return this.rest.request<T>(request)
  }

  /** The gateway URL. Asks the fallback API domain (hosts `fallbackApi`) when the configured one answers 5xx or cannot be reached. */
  getGateway(): Promise<GatewayInfo> {
    return this.rest.request({ method: 'GET', path: '/gateway', route: 'GET /gateway', fallback: true })
  }

  /** Gateway URL plus the recommended shard count and the session start limit; falls back like {@link getGateway}. */
  getGatewayBot(): Promise<GatewayBotInfo> {
    return this.rest.request({ method: 'GET', path: '/gateway/bot', route: 'GET /gateway/bot', fallback: true })
  }

  getMe(): Promise<ApiUser> {
    return this.rest.request({ method: 'GET', path: '/users/@me', route: 'GET /users/@me' })
  }

  getGuilds(query: { before?: string; after?: string; limit?: number } = {}): Promise<ApiGuild[]> {
    return this.rest.request({ method: 'GET', path: '/users/@me/guilds', route: 'GET /users/@me/guilds', query })
  }

  getGuild(guildId: string): Promise<ApiGuild> {
    return this.rest.request({ method: 'GET', path: `/guilds/${id(guildId)}`, route: 'GET /guilds/{guild_id}' })
  }

  getChannels(guildId: string): Promise<ApiChannel[]> {
    return this.rest.request({
      method: 'GET',
      path: `/guilds/${id(guildId)}/channels`,
      route: 'GET /guilds/{guild_id}/channels',
    })
  }

  getChannel(channelId: string): Promise<ApiChannel> {
    return this.rest.request({ method: 'GET', path: `/channels/${id(channelId)}`, route: 'GET /channels/{channel_id}' })
  }

  getMember(guildId: string, userId: string): Promise<ApiMember> {
    return this.rest.request({
      method: 'GET',
      path: `/guilds/${id(guildId)}/members/${id(userId)}`,
      route: 'GET /guilds/{guild_id}/members/{user_id}',
    })
  }

  getMembers(guildId: string, query: { after?: string; limit?: number } = {}): Promise<ApiMember[]> {
    return this.rest.request({
      method: 'GET',
      path: `/guilds/${id(guildId)}/members`,
      route: 'GET /guilds/{guild_id}/members',
      query,
    })
  }

  getRoles(guildId: string): Promise<{ guild_id?: string; roles: ApiRole[]; role_num_limit?: string }> {
    return this.rest.request({
      method: 'GET',
      path: `/guilds/${id(guildId)}/roles`,
      route: 'GET /guilds/{guild_id}/roles',
    })
  }

  sendChannelMessage(channelId: string, body: MessageBody, options?: CallOptions): Promise<SendResult> {
    return this.send(post(`/channels/${id(channelId)}/messages`, 'POST /channels/{channel_id}/messages', body, options))
  }

  getChannelMessage(channelId: string, messageId: string): Promise<{ message: Record<string, unknown> }> {
    return this.rest.request({
      method: 'GET',
      path: `/channels/${id(channelId)}/messages/${id(messageId)}`,
      route: 'GET /channels/{channel_id}/messages/{message_id}',
    })
  }

  recallChannelMessage(channelId: string, messageId: string, options: { hideTip?: boolean } = {}): Promise<void> {
    return this.rest.request({
      method: 'DELETE',
      path: `/channels/${id(channelId)}/messages/${id(messageId)}`,
      route: 'DELETE /channels/{channel_id}/messages/{message_id}',
      query: { hidetip: options.hideTip },
    })
  }

  /** Opens (or finds) the DM session with a guild member; send to the returned `guild_id`. */
  createDirectSession(recipientId: string, sourceGuildId: string): Promise<DirectSession> {
    return this.rest.request({
      method: 'POST',
      path: '/users/@me/dms',
      route: 'POST /users/@me/dms',
      body: { recipient_id: recipientId, source_guild_id: sourceGuildId },
    })
  }

  sendDirectMessage(dmGuildId: string, body: MessageBody, options?: CallOptions): Promise<SendResult> {
    return this.send(post(`/dms/${id(dmGuildId)}/messages`, 'POST /dms/{guild_id}/messages', body, options))
  }

  recallDirectMessage(dmGuildId: string, messageId: string): Promise<void> {
    return this.rest.request({
      method: 'DELETE',
      path: `/dms/${id(dmGuildId)}/messages/${id(messageId)}`,
      route: 'DELETE /dms/{guild_id}/messages/{message_id}',
    })
  }

  /** A passive reply in a group: `body` needs `msg_id` or `event_id` (and a `msg_seq` per reply to it). */
  sendGroupMessage(groupOpenid: string, body: MessageBody, options?: CallOptions): Promise<SendResult> {
    if (!isPassive(body)) return Promise.reject(new ProactiveMessageError('group'))
    return this.send(
      post(`/v2/groups/${id(groupOpenid)}/messages`, 'POST /v2/groups/{group_openid}/messages', body, options),
    )
  }

  recallGroupMessage(groupOpenid: string, messageId: string): Promise<void> {
    return this.rest.request({
      method: 'DELETE',
      path: `/v2/groups/${id(groupOpenid)}/messages/${id(messageId)}`,
      route: 'DELETE /v2/groups/{group_openid}/messages/{message_id}',
    })
  }

  /** A passive reply in a C2C chat: `body` needs `msg_id` or `event_id` (and a `msg_seq` per reply to it). */
  sendC2CMessage(openid: string, body: MessageBody, options?: CallOptions): Promise<SendResult> {
    if (!isPassive(body)) return Promise.reject(new ProactiveMessageError('C2C'))
    return this.send(post(`/v2/users/${id(openid)}/messages`, 'POST /v2/users/{openid}/messages', body, options))
  }

  /** One frame of a C2C stream (a passive reply: `msg_id` is required); `client.stream()` sends these for you. */
  sendC2CStreamMessage(openid: string, body: StreamMessageBody, options?: CallOptions): Promise<StreamMessageResult> {
    if (!body.msg_id) return Promise.reject(new ProactiveMessageError('C2C'))
    return this.rest.request(
      post(`/v2/users/${id(openid)}/stream_messages`, 'POST /v2/users/{openid}/stream_messages', body, options),
    )
  }

  recallC2CMessage(openid: string, messageId: string): Promise<void> {
    return this.rest.request({
      method: 'DELETE',
      path: `/v2/users/${id(openid)}/messages/${id(messageId)}`,
      route: 'DELETE /v2/users/{openid}/messages/{message_id}',
    })
  }

  /**
   * Uploads media for a group; send it with `msg_type: 7, media: { file_info }`. `srv_send_msg: true` (send
   * at once, with no `msg_id`) would be a proactive message and is refused like one.
   */
  uploadGroupMedia(groupOpenid: string, upload: MediaUpload, options?: CallOptions): Promise<MediaInfo> {
    if (upload.srv_send_msg === true) return Promise.reject(new ProactiveMessageError('group'))
    const body = { srv_send_msg: false, ...upload }
    return this.rest.request(
      post(`/v2/groups/${id(groupOpenid)}/files`, 'POST /v2/groups/{group_openid}/files', body, options),
    )
  }

  /** Uploads media for a C2C chat, like {@link uploadGroupMedia}. */
  uploadC2CMedia(openid: string, upload: MediaUpload, options?: CallOptions): Promise<MediaInfo> {
    if (upload.srv_send_msg === true) return Promise.reject(new ProactiveMessageError('C2C'))
    const body = { srv_send_msg: false, ...upload }
    return this.rest.request(post(`/v2/users/${id(openid)}/files`, 'POST /v2/users/{openid}/files', body, options))
  }

  /** Acknowledges a button interaction (PUT, empty response); without it the user's spinner runs until timeout. */
  ackInteraction(interactionId: string, code: InteractionAckCode = 0): Promise<void> {
    return this.rest.request({
      method: 'PUT',
      path: `/interactions/${id(interactionId)}`,
      route: 'PUT /interactions/{interaction_id}',
      body: { code },
    })
  }

  private send(request: RestRequest): Promise<SendResult> {
    return this.rest.request(request).then(toSendResult)
  }
}

function isPassive(body: MessageBody): boolean {
  return Boolean(body.msg_id || body.event_id)
}

/**
 * A POST of `body` with the caller's call options. The options are assigned, not spread (`{ ...options, ... }`):
 * Node 20's V8 clones a spread's source on a path that makes new hidden classes, in the old generation, on every
 * call: about 0.5 KB per send that only a major collection clears (measured with the soak bench's collector
 * accounting).
 */
function post(path: string, route: string, body: unknown, options: CallOptions | undefined): RestRequest {
  const request: RestRequest = { method: 'POST', path, route, body }
  if (options?.timeoutMs !== undefined) request.timeoutMs = options.timeoutMs
  if (options?.retries !== undefined) request.retries = options.retries
  if (options?.retryWithinMs !== undefined) request.retryWithinMs = options.retryWithinMs
  return request
}
