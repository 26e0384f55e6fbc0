import { describe, expect, it } from 'vitest'
import type { QQBotClient } from '@qqbot/core'
import {
  c2cMessage,
  groupAtMessage,
  type FakePlatform,
  type FaultEpisodeOptions,
  type RecordedCall,
} from '@qqbot/fake-platform'
import { useClientOnPlatform } from '../packages/core/src/test-client.js'

/**
 * The scenario, shortened: the platform rate-limits a third of all sends "for a minute" while a bot
 * answers 200 group and C2C messages. The minute is scaled down to a storm that ends once it has answered
 * STORM_429S sends with 429: enough for replies to meet several 429s in a row, and, unlike an episode of a
 * few seconds, as many on a loaded machine as on a quiet one. The reply windows (5 and 60 min) stay real, so
 * no reply may be given up.
 */
const MESSAGES = 200
const STORM_429S = 60
const SEND_PATH = /^\/v2\/(groups|users)\/[^/]+\/messages$/

const start = useClientOnPlatform()

interface StormRun {
  platform: FakePlatform
  client: QQBotClient
  inboundIds: string[]
  /** 429s the platform answered to sends. */
  rateLimited: number
  handlerErrors: unknown[]
}

/** Starts a bot that answers every message, puts the platform into a rate-limit storm, sends `MESSAGES` messages and waits for every reply. */
async function runStorm(limiter: boolean, storm: FaultEpisodeOptions, endAfter429s?: number): Promise<StormRun> {
  const { platform, client } = await start({
    platform: { heartbeatIntervalMs: 200 },
    client: {
      rest: { backoff: { baseMs: 50, maxMs: 500 }, limiter: limiter ? {} : false },
      gateway: { identifyIntervalMs: 0 },
      // Every reply at once, so they pile up per (route, target): one user's messages would otherwise run in turn.
      pipeline: { order: 'none' },
    },
  })
  const bot = client
  const handlerErrors: unknown[] = []
  const answer = (event: { data: { id: string; content: string } }) =>
    bot.reply(event as never, `pong${event.data.content}`).catch((error: unknown) => void handlerErrors.push(error))
  bot.on('GROUP_AT_MESSAGE_CREATE', answer)
  bot.on('C2C_MESSAGE_CREATE', answer)
  await bot.start()

  const episode = platform.failFor(
    { method: 'POST', path: SEND_PATH },
    { status: 429, body: { code: 22009, message: 'msg limit exceed' } },
    storm,
  )
  const ending =
    endAfter429s === undefined
      ? undefined
      : setInterval(() => {
          if (episode.injected >= endAfter429s) episode.stop()
        }, 1)
  const inboundIds: string[] = []
  for (let i = 0; i < MESSAGES; i++) {
    // two groups and two C2C users: several replies queue up per (route, target)
    const built =
      i % 2 === 0
        ? groupAtMessage({ content: ` ${i}`, groupOpenid: `GROUP_${i % 4}` })
        : c2cMessage({ content: ` ${i}`, userOpenid: `USER_${i % 4}` })
    inboundIds.push((built.d as { id: string }).id)
    platform.dispatchEvent(built)
  }
  await platform.waitForSent(MESSAGES, 20_000).finally(() => clearInterval(ending))
  await bot.idle()
  return { platform, client: bot, inboundIds, rateLimited: episode.injected, handlerErrors }
}

const sendsOf = (p: FakePlatform): RecordedCall[] =>
  p.calls.filter((call) => call.method === 'POST' && SEND_PATH.test(call.path))
const msgIdOf = (call: RecordedCall) => (call.body as { msg_id: string }).msg_id

/** The longest run of consecutive 429s any one reply met. */
function longestRateLimitRun(calls: RecordedCall[]): number {
  const runs = new Map<string, { current: number; longest: number }>()
  for (const call of calls) {
    const run = runs.get(msgIdOf(call)) ?? { current: 0, longest: 0 }
    run.current = call.status === 429 ? run.current + 1 : 0
    run.longest = Math.max(run.longest, run.current)
    runs.set(msgIdOf(call), run)
  }
  return Math.max(...[...runs.values()].map((run) => run.longest))
}

describe('replies under a rate-limit storm', () => {
  it('GIVEN a third of all sends rate-limited for a while THEN every one of 200 messages gets exactly one reply, none lost or duplicated, and the counters add up', async () => {
    const run = await runStorm(true, { fraction: 1 / 3, seed: 2025 }, STORM_429S)
    const { platform, client } = run
    expect(run.handlerErrors).toEqual([])

    // exactly one reply per inbound message, each the answer to that message
    const replies = new Map<string, number>()
    for (const message of platform.sent) replies.set(message.body.msg_id, (replies.get(message.body.msg_id) ?? 0) + 1)
    expect(platform.sent).toHaveLength(MESSAGES)
    expect([...replies.keys()].sort()).toEqual([...run.inboundIds].sort())
    expect([...replies.values()].every((count) => count === 1)).toBe(true)
    expect(platform.sent.every((message) => message.body.msg_seq === 1)).toBe(true) // retries kept their msg_seq
    const sends = sendsOf(platform)
    expect(sends.filter((call) => (call.response as { code?: number } | undefined)?.code === 40054005)).toEqual([])

    // the storm was real: many 429s, and replies met them several times in a row
    expect(run.rateLimited).toBeGreaterThan(MESSAGES / 5)
    expect(sends.filter((call) => call.status === 429)).toHaveLength(run.rateLimited)
    expect(longestRateLimitRun(sends)).toBeGreaterThanOrEqual(2)

    // the client saw every 429, retried each one, and gave none up
    const total = (name: 'rest_rate_limited' | 'rest_retries' | 'replies_sent') => client.metricsRegistry.count(name)
    expect(total('rest_rate_limited')).toBe(run.rateLimited)
    expect(total('rest_retries')).toBe(run.rateLimited)
    expect(total('replies_sent')).toBe(MESSAGES)
    expect(sends).toHaveLength(MESSAGES + run.rateLimited)
  })

  it('GIVEN a platform that lets each target have 20 sends a second THEN the limiter cuts the 429s to well under those without it, and every message still gets one reply', async () => {
    const rateLimit = { perSecond: 20 }
    const without = await runStorm(false, rateLimit)
    expect(without.platform.sent).toHaveLength(MESSAGES)
    await without.client.stop()
    const adaptive = await runStorm(true, rateLimit)
    expect(adaptive.platform.sent).toHaveLength(MESSAGES)
    expect(new Set(adaptive.platform.sent.map((message) => message.body.msg_id)).size).toBe(MESSAGES)
    expect(adaptive.handlerErrors).toEqual([])
    // Measured: about 170 with the limiter (mostly the first burst, sent before any 429 came back) and 450 without.
    expect(adaptive.rateLimited).toBeLessThan(without.rateLimited * 0.6)
  })
})
