import { describe, expect, it } from 'vitest'
import { c2cMessage } from '@qqbot/fake-platform'
import type { QQBotClient } from '../client/qqbot-client.js'
import { useClientOnPlatform } from '../test-client.js'
import { ApiError, ProactiveMessageError } from './api-error.js'
import { PROACTIVE_DISCONTINUED } from './platform-codes.js'
import { toSendResult } from './send-result.js'
import type { RestRequest } from './rest-client.js'

const start = useClientOnPlatform({ rest: { backoff: { baseMs: 5, maxMs: 20 } } })

async function setup() {
  const { platform, client } = await start()
  return { platform, api: client.api, client }
}

describe('proactive group/C2C sends (discontinued 2025-04-21)', () => {
  it.each([
    [
      'sendGroupMessage',
      'group',
      (api: QQBotClient['api']) => api.sendGroupMessage('g1', { content: 'hello', msg_type: 0 }),
    ],
    [
      'sendC2CMessage',
      'C2C',
      (api: QQBotClient['api']) => api.sendC2CMessage('u1', { content: 'hello', msg_type: 0, msg_seq: 1 }),
    ],
    [
      'uploadGroupMedia with srv_send_msg: true',
      'group',
      (api: QQBotClient['api']) =>
        api.uploadGroupMedia('g1', { file_type: 1, url: 'https://example.invalid/a.png', srv_send_msg: true }),
    ],
    [
      'uploadC2CMedia with srv_send_msg: true',
      'C2C',
      (api: QQBotClient['api']) =>
        api.uploadC2CMedia('u1', { file_type: 1, url: 'https://example.invalid/a.png', srv_send_msg: true }),
    ],
  ])(
    'GIVEN %s without msg_id or event_id THEN it fails before any request with PROACTIVE_MESSAGE_DISCONTINUED',
    async (_, scene, send) => {
      const { platform, api } = await setup()
      const error = await send(api).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ProactiveMessageError)
      expect(error).toMatchObject({ code: 'PROACTIVE_MESSAGE_DISCONTINUED' })
      expect((error as Error).message).toContain(`this ${scene} message`)
      expect((error as Error).message).toContain('discontinued by the platform on 2025-04-21')
      expect((error as Error).message).toContain('msg_id or event_id of an inbound event')
      expect(platform.calls).toHaveLength(0) // not even a token request
    },
  )

  it('GIVEN a msg_id, or an event_id alone THEN the send goes out', async () => {
    const { platform, api } = await setup()
    await api.sendGroupMessage('g1', { content: 'a', msg_type: 0, msg_id: 'm1', msg_seq: 1 })
    await api.sendC2CMessage('u1', { content: 'b', msg_type: 0, event_id: 'e1', msg_seq: 1 })
    expect(platform.sent.map((message) => message.body.content)).toEqual(['a', 'b'])
  })

  it.each([
    ['code 40034102', { code: 40034102, message: '主动消息失败, 无权限' }],
    ['err_code 40034105', { code: 850000, err_code: 40034105, message: '主动消息失败, 无权限' }],
  ])(
    'GIVEN the platform refuses with %s THEN the ApiError hint says proactive messages were discontinued and a reply needs msg_id/event_id',
    async (_, body) => {
      const { platform, api } = await setup()
      platform.failNext({ path: '/v2/groups/g1/messages' }, { status: 400, body })
      const error = await api
        .sendGroupMessage('g1', { content: 'x', msg_type: 0, msg_id: 'old', msg_seq: 1 })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ApiError)
      expect((error as Error).message).toContain(PROACTIVE_DISCONTINUED)
    },
  )
})

describe('messages held for audit', () => {
  it('GIVEN the platform answers a send 202/304024 THEN SendResult carries its audit_id, and nothing counts as sent', async () => {
    const { platform, api } = await setup()
    const auditId = platform.holdForAudit({ path: '/v2/groups/g1/messages' })
    const result = await api.sendGroupMessage('g1', { content: 'held', msg_type: 0, msg_id: 'm1', msg_seq: 1 })
    expect(result.audit_id).toBe(auditId)
    expect(result).toMatchObject({ code: 304024 })
    expect(platform.calls.at(-1)).toMatchObject({ status: 202 })
    expect(platform.sent).toHaveLength(0)
  })

  it('GIVEN a reply held for audit THEN reply() resolves with the audit_id too', async () => {
    const { platform, client } = await setup()
    const auditId = platform.holdForAudit({ path: '/v2/users/u9/messages' }, 'audit-reply-1')
    const built = c2cMessage({ content: 'x', id: 'in-9', userOpenid: 'u9' })
    const result = await client.reply(
      {
        name: built.t,
        id: undefined,
        data: built.d,
        seq: 1,
        source: 'test',
        shard: undefined,
        receivedAt: Date.now(),
        deliveryId: undefined,
        attempt: 1,
      },
      'held reply',
    )
    expect(auditId).toBe('audit-reply-1')
    expect(result.audit_id).toBe('audit-reply-1')
  })

  it.each([
    ['under data.message_audit (the platform)', { code: 304024, data: { message_audit: { audit_id: 'A1' } } }, 'A1'],
    ['under message_audit', { code: 304024, message_audit: { audit_id: 'A2' } }, 'A2'],
    ['at the top level (as SDKs read it)', { code: 304024, audit_id: 'A3' }, 'A3'],
    ['as a number', { code: 304024, data: { message_audit: { audit_id: 42 } } }, '42'],
  ])('GIVEN the audit id %s THEN toSendResult finds it', (_, body, expected) => {
    expect(toSendResult(body).audit_id).toBe(expected)
  })

  it('GIVEN an ordinary answer THEN toSendResult adds no audit_id', () => {
    expect(toSendResult({ id: 'm', timestamp: 't' })).toEqual({ id: 'm', timestamp: 't' })
    expect(toSendResult(undefined)).toEqual({})
  })
})

describe('call options', () => {
  it('GIVEN call options on a send THEN its request carries them, and a send without them carries none', async () => {
    const { api } = await setup()
    const requests: RestRequest[] = []
    api.rest.use((request) => {
      requests.push(request)
      return Promise.resolve({ status: 200, data: { id: `sent-${requests.length}` }, traceId: undefined })
    })
    const options = { timeoutMs: 4_000, retries: 1, retryWithinMs: 9_000 }
    await api.sendGroupMessage('g1', { content: 'a', msg_id: 'm1', msg_seq: 1, msg_type: 0 }, options)
    await api.sendChannelMessage('c1', { content: 'b', msg_id: 'm2' })
    expect(requests[0]).toMatchObject({ ...options, method: 'POST', path: '/v2/groups/g1/messages' })
    expect(requests[1]).toMatchObject({ method: 'POST', path: '/channels/c1/messages' })
    for (const name of Object.keys(options)) expect(requests[1]).not.toHaveProperty(name)
  })
})
