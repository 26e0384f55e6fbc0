import { describe, expect, it } from 'vitest'
import { c2cMessage, friendAdd, groupAtMessage, type BuiltEvent, type FakePlatform } from '@qqbot/fake-platform'
import { useClientOnPlatform } from '../test-client.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { ReplyLimitError, ReplyRateLimitedError } from './reply-errors.js'

const MINUTE = 60_000
const setup = useClientOnPlatform({ rest: { backoff: { baseMs: 5, maxMs: 20 } } })

/** A builder result as the pipeline hands it over, received `ageMs` ago. */
function inbound(built: BuiltEvent<unknown>, ageMs = 0, eventId?: string): DispatchedEvent {
  return {
    name: built.t,
    id: built.id ?? eventId,
    data: built.d,
    seq: 1,
    source: 'test',
    shard: undefined,
    receivedAt: Date.now() - ageMs,
    deliveryId: undefined,
    attempt: 1,
  }
}

const attemptsTo = (p: FakePlatform, path: string) =>
  p.calls.filter((call) => call.method === 'POST' && call.path === path)

describe('passive replies under rate limits', () => {
  it('GIVEN a group reply rate-limited 7 times in a row (more than `retries`) THEN it lands once, every attempt with the same msg_seq', async () => {
    const { platform, client } = await setup()
    const event = inbound(groupAtMessage({ content: '/ping', id: 'in-1', groupOpenid: 'g1' }))
    await client.reply(event, 'first')
    platform.failNext({ path: '/v2/groups/g1/messages' }, { status: 429 }, 7)
    await expect(client.reply(event, 'second')).resolves.toMatchObject({ id: expect.any(String) })
    const attempts = attemptsTo(platform, '/v2/groups/g1/messages')
    expect(attempts.map((call) => (call.body as { msg_seq: number }).msg_seq)).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2])
    expect(platform.sent.map((message) => message.body.content)).toEqual(['first', 'second'])
    expect(client.metrics().counters.rest_rate_limited).toEqual({
      'route="POST /v2/groups/{group_openid}/messages"': 7,
    })
  })

  it('GIVEN a reply still rate-limited when its window is about to close THEN REPLY_RATE_LIMITED names the window and the attempts, and nothing is sent', async () => {
    const { platform, client } = await setup()
    // 5 min group window, 5 s margin: 800 ms of retrying are left for this event
    const event = inbound(groupAtMessage({ content: '/ping', id: 'late', groupOpenid: 'g2' }), 5 * MINUTE - 5_000 - 800)
    platform.failFor({ path: '/v2/groups/g2/messages' }, { status: 429 })
    const started = Date.now()
    const error = await client.reply(event, 'pong').catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(error).toBeInstanceOf(ReplyRateLimitedError)
    const attempts = attemptsTo(platform, '/v2/groups/g2/messages').length
    expect(attempts).toBeGreaterThan(4)
    expect(error).toMatchObject({ code: 'REPLY_RATE_LIMITED', attempts })
    expect((error as Error).message).toContain(`all ${attempts} attempts`)
    expect((error as Error).message).toContain('group passive-reply window of 5 min')
    expect((error as Error).message).toContain('5 s before it')
    expect(platform.sent).toHaveLength(0)
  })

  it('GIVEN deadlineMarginMs larger than what is left of the window THEN the reply is tried once and not retried', async () => {
    const { platform, client } = await setup({ client: { replies: { deadlineMarginMs: 60_000 } } })
    const event = inbound(groupAtMessage({ content: '/ping', id: 'close', groupOpenid: 'g3' }), 4.5 * MINUTE)
    platform.failNext({ path: '/v2/groups/g3/messages' }, { status: 429 })
    await expect(client.reply(event, 'pong')).rejects.toMatchObject({ code: 'REPLY_RATE_LIMITED', attempts: 1 })
  })
})

describe('passive-reply budget per message', () => {
  it.each([
    ['C2C, the stricter reading (default both sides)', 4, {}, {}],
    ['C2C, the docs reading (5 both sides)', 5, { c2c: 5 }, { c2c: 5 }],
  ])(
    'GIVEN %s THEN the budget is used up and the next reply is refused before any request',
    async (_, budget, platformBudget, limits) => {
      const { platform, client } = await setup({
        platform: { replyBudget: platformBudget },
        client: { replies: { limits } },
      })
      const event = inbound(c2cMessage({ content: 'hi', id: 'c2c-in', userOpenid: 'u1' }))
      for (let i = 1; i <= budget; i++) await client.reply(event, `reply ${i}`)
      expect(platform.sent.map((message) => message.body.msg_seq)).toEqual(
        Array.from({ length: budget }, (_, i) => i + 1),
      )
      const calls = platform.calls.length
      const error = await client.reply(event, 'one too many').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ReplyLimitError)
      expect((error as Error).message).toContain(`${budget} replies were already sent to this C2C message`)
      expect(platform.calls).toHaveLength(calls)
    },
  )

  it('GIVEN the platform enforces 4 but replies.limits.c2c is 5 THEN the 5th reply fails with REPLY_LIMIT_REACHED saying so, after a few tries, not retried until the window closes', async () => {
    const { platform, client } = await setup({ client: { replies: { limits: { c2c: 5 } } } })
    const event = inbound(friendAdd({ openid: 'u2' }), 0, 'EVT-FRIEND')
    for (let i = 1; i <= 4; i++) await client.reply(event, `reply ${i}`)
    const started = Date.now()
    const error = await client.reply(event, 'fifth').catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(error).toBeInstanceOf(ReplyLimitError)
    expect(error).toMatchObject({ code: 'REPLY_LIMIT_REACHED' })
    expect((error as Error).message).toMatch(
      /refused reply 5 to this C2C message \(code 22009\).*lower replies\.limits\.c2c to 4/,
    )
    const fifth = attemptsTo(platform, '/v2/users/u2/messages').filter(
      (call) => (call.body as { msg_seq: number }).msg_seq === 5,
    )
    expect(fifth.map((call) => call.status)).toEqual([400, 400, 400, 400]) // retries (3) + 1, then given up
    expect(platform.sent).toHaveLength(4)
  })

  it('GIVEN a group THEN both sides allow 5 by default', async () => {
    const { platform, client } = await setup()
    const event = inbound(groupAtMessage({ content: 'x', id: 'g-in', groupOpenid: 'g5' }))
    for (let i = 1; i <= 5; i++) await client.reply(event, `reply ${i}`)
    await expect(client.reply(event, 'sixth')).rejects.toMatchObject({ code: 'REPLY_LIMIT_REACHED' })
    expect(platform.sent).toHaveLength(5)
  })
})
