import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { c2cMessage, groupAtMessage, type FakePlatform, type SentMessage } from '@qqbot/fake-platform'
import { Arg, Command, CommandContext, Controller } from '@qqbot/framework'
import { startBotHarness } from './support/bot-harness.js'

const USERS = 200
const COMMANDS_PER_USER = 10

/** mulberry32: handler delays that differ from command to command yet repeat from run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** How long `/seq n` of each user takes: 0–30 ms, drawn once from a seeded generator. */
const random = seededRandom(21)
const DELAYS = new Map<string, number>()
for (let user = 0; user < USERS; user++)
  for (let n = 1; n <= COMMANDS_PER_USER; n++) DELAYS.set(`u${user}:${n}`, Math.floor(random() * 31))

/** Opened by the test: `/slow` waits for it. */
let openSlow: () => void = () => undefined
let slowGate = Promise.resolve()

@Controller()
class Sequence {
  @Command('seq')
  async seq(@Arg('n', z.coerce.number().int()) n: number, ctx: CommandContext) {
    await new Promise((resolve) => setTimeout(resolve, DELAYS.get(`${ctx.userId}:${n}`) ?? 0))
    return `${ctx.userId} ${n}`
  }

  @Command('order')
  async order(ctx: CommandContext) {
    const size = await ctx.prompt('Which size?')
    const count = await ctx.prompt('How many?')
    const confirm = await ctx.prompt(`${count} × ${size}, confirm?`)
    return confirm === 'yes' ? `ordered ${count} × ${size}` : 'not ordered'
  }

  @Command('slow')
  async slow() {
    await slowGate
    return 'slow done'
  }

  @Command('ping')
  ping() {
    return 'pong'
  }

  @Command('status', { ordered: false })
  status() {
    return 'all well'
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Resolves with the first reply to each message the platform accepts, by the id of the message it answers. */
function repliesByMessage(platform: FakePlatform) {
  const replies = new Map<string, string>()
  const waiting = new Map<string, (content: string) => void>()
  const unsubscribe = platform.onSent((sent: SentMessage) => {
    const answered = sent.body.msg_id as string | undefined
    if (answered === undefined || replies.has(answered)) return
    replies.set(answered, sent.body.content as string)
    waiting.get(answered)?.(sent.body.content as string)
    waiting.delete(answered)
  })
  cleanups.push(async () => void unsubscribe())
  return (event: { d: unknown }): Promise<string> => {
    const id = (event.d as { id: string }).id
    const reply = replies.get(id)
    return reply !== undefined ? Promise.resolve(reply) : new Promise((resolve) => waiting.set(id, resolve))
  }
}

describe('per-user order in one process, against the fake platform', () => {
  it('GIVEN 200 users each sending /seq 1 … /seq 10 back to back, handlers taking 0–30 ms THEN every user’s replies come in order', async () => {
    const { platform } = await startBotHarness({ controllers: [Sequence], locale: 'en' }, cleanups)
    const before = platform.sent.length
    for (let user = 0; user < USERS; user++) {
      for (let n = 1; n <= COMMANDS_PER_USER; n++) {
        // ten busy groups: users share chats, so order is per user in a chat, not per chat
        const event = groupAtMessage({ content: `/seq ${n}`, groupOpenid: `g${user % 10}`, memberOpenid: `u${user}` })
        platform.dispatch(event.t, event.d)
      }
    }
    const sent = await platform.waitForSent(before + USERS * COMMANDS_PER_USER, 60_000)
    const perUser = new Map<string, number[]>()
    for (const message of sent.slice(before)) {
      const [user, n] = (message.body.content as string).split(' ')
      perUser.set(user!, [...(perUser.get(user!) ?? []), Number(n)])
    }
    const inOrder = Array.from({ length: COMMANDS_PER_USER }, (_, index) => index + 1)
    const outOfOrder = [...perUser].filter(([, numbers]) => numbers.join() !== inOrder.join()).map(([user]) => user)
    expect(perUser.size).toBe(USERS)
    expect(outOfOrder).toEqual([])
  }, 90_000)

  it('GIVEN 200 users each in a three-step ctx.prompt() conversation at once THEN every conversation completes', async () => {
    const { platform } = await startBotHarness({ controllers: [Sequence], locale: 'en' }, cleanups)
    const replyTo = repliesByMessage(platform)
    const converse = async (user: number): Promise<string[]> => {
      const transcript: string[] = []
      for (const text of ['/order', 'L', '3', 'yes']) {
        const event = c2cMessage({ content: text, userOpenid: `u${user}` })
        platform.dispatch(event.t, event.d)
        transcript.push(await replyTo(event))
      }
      return transcript
    }
    const transcripts = await Promise.all(Array.from({ length: USERS }, (_, user) => converse(user)))
    for (const transcript of transcripts)
      expect(transcript).toEqual(['Which size?', 'How many?', '3 × L, confirm?', 'ordered 3 × L'])
  }, 90_000)

  it('GIVEN a command with ordered: false THEN it runs while the user’s earlier command is busy; an ordered one waits its turn', async () => {
    slowGate = new Promise<void>((resolve) => (openSlow = resolve))
    const { platform } = await startBotHarness({ controllers: [Sequence], locale: 'en' }, cleanups)
    const replyTo = repliesByMessage(platform)
    const user = { groupOpenid: 'g1', memberOpenid: 'alice' }
    const slow = groupAtMessage({ content: '/slow', ...user })
    const ping = groupAtMessage({ content: '/ping', ...user })
    const status = groupAtMessage({ content: '/status', ...user })
    for (const event of [slow, ping, status]) platform.dispatch(event.t, event.d)
    // /status answers although /slow, sent before it, cannot finish until the gate opens
    expect(await replyTo(status)).toBe('all well')
    openSlow()
    expect(await Promise.all([replyTo(slow), replyTo(ping)])).toEqual(['slow done', 'pong'])
    const order = platform.sent.map((message) => message.body.content as string)
    expect(order.slice(-3)).toEqual(['all well', 'slow done', 'pong'])
  })
})
