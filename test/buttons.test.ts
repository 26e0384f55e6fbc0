import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  c2cMessage,
  clickButton,
  groupAtMessage,
  guildAtMessage,
  type BuiltEvent,
  type FakePlatform,
  type SentMessage,
} from '@qqbot/fake-platform'
import { ManualClock } from '@qqbot/testing'
import {
  Arg,
  AUTO_ACK_CODES,
  button,
  ButtonContext,
  Command,
  Controller,
  Cooldown,
  createBot,
  defineState,
  Injectable,
  InteractionAlreadyAckedError,
  keyboard,
  markdown,
  OnButton,
  Rest,
  UseGuards,
  type BotOptions,
  type Guard,
} from '@qqbot/framework'
import { startBotHarness, type BotHarness } from './support/bot-harness.js'

@Injectable()
class Dice {
  roll(sides: number): number {
    return sides // a loaded die: the test knows what it shows
  }
}

const onlyAlice: Guard = async (ctx, next) => {
  if (ctx.userId === 'alice') await next()
}

/** Released by the test: a handler that is still running when the acknowledgement falls due. */
let releaseSlow: (() => void) | undefined
/** Read through a call: the handler sets it while the test awaits. */
const slowRelease = () => releaseSlow

@Controller()
class Table {
  constructor(private readonly dice: Dice) {}

  @Command('table')
  table() {
    return {
      markdown: markdown.text('**Pick a die**'),
      keyboard: keyboard()
        .row(button.callback('d6', 'roll:6'), button.callback('d20', 'roll:20'), button.callback('bad', 'roll:x'))
        .row(button.callback('Boom', 'boom'), button.callback('Self', 'self:3'), button.callback('Admin', 'admin'))
        .row(button.callback('Cool', 'cool'), button.callback('Slow', 'slow'), button.callback('Nobody', 'nothing:1'))
        .row(button.link('Docs', 'https://example.com/docs'))
        .build(),
    }
  }

  @OnButton('roll:{sides}')
  roll(@Arg('sides', z.coerce.number().int().min(2)) sides: number, ctx: ButtonContext) {
    return `${ctx.scene}:${ctx.userId}:${ctx.buttonData}:🎲 ${this.dice.roll(sides)}`
  }

  @OnButton('boom')
  boom(): string {
    throw new Error('handler bug')
  }

  @OnButton('self:{code}')
  async self(ctx: ButtonContext) {
    await ctx.ack(Number(ctx.params.code) as 3)
    const second = await ctx.ack(0).catch((error: unknown) => error)
    return `acked ${ctx.params.code}; again: ${second instanceof InteractionAlreadyAckedError ? second.code : 'sent?!'}`
  }

  @UseGuards(onlyAlice)
  @OnButton('admin')
  admin() {
    return 'admin ran'
  }

  @OnButton('cool')
  @Cooldown({ per: 'user', ms: 60_000 })
  cool() {
    return 'cool'
  }

  @OnButton('slow')
  async slow() {
    await new Promise<void>((resolve) => (releaseSlow = resolve))
    throw new Error('failed after the acknowledgement')
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function start(options: Partial<BotOptions> = {}): Promise<BotHarness> {
  return startBotHarness({ controllers: [Table], providers: [Dice], ...options }, cleanups)
}

/** The keyboard message the bot sent for `/table` in the event's scene. */
async function table(harness: BotHarness, event: BuiltEvent): Promise<SentMessage> {
  await harness.say(event)
  return harness.platform.sent.at(-1)!
}

/** Waits until the platform took an acknowledgement of `id` (or any PUT of it was answered). */
async function ackOf(platform: FakePlatform, id: string): Promise<number> {
  const deadline = Date.now() + 5_000
  while (Date.now() < deadline) {
    const ack = platform.interactions.acks.find((candidate) => candidate.id === id)
    if (ack) return ack.code
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error(`interaction ${id} was not acknowledged`)
}

const SCENES = ['group', 'c2c', 'guild'] as const

/**
 * The `/table` keyboard as `user` sees it in `scene`, and who clicks: in C2C the chat's own user (so the chat is
 * the user's), in a group or channel the member `user`.
 */
async function tableAs(harness: BotHarness, scene: (typeof SCENES)[number], user: string) {
  const event =
    scene === 'group'
      ? groupAtMessage({ content: '/table', groupOpenid: 'g1', memberOpenid: user })
      : scene === 'c2c'
        ? c2cMessage({ content: '/table', userOpenid: user })
        : guildAtMessage({ content: '/table', authorId: user })
  return { message: await table(harness, event), by: scene === 'c2c' ? undefined : user }
}

const putsOf = (platform: FakePlatform, id: string) =>
  platform.calls.filter((call) => call.method === 'PUT' && call.path === `/interactions/${id}`)

for (const source of ['gateway', 'webhook'] as const) {
  describe(`@OnButton over ${source}`, () => {
    it('GIVEN a click in a group, C2C chat and guild channel THEN the handler gets typed params, DI and the clicker, replies with event_id, and the click is acked 0 once', async () => {
      const harness = await start({ source })
      const { platform, say } = harness
      const group = await table(harness, groupAtMessage({ content: '/table', groupOpenid: 'g1' }))
      expect(await say(clickButton(group, 'd20', { by: 'alice', id: 'itx-g' }))).toEqual(['group:alice:roll:20:🎲 20'])
      const c2c = await table(harness, c2cMessage({ content: '/table', userOpenid: 'u1' }))
      expect(await say(clickButton(c2c, 'd6', { id: 'itx-c' }))).toEqual(['c2c:u1:roll:6:🎲 6'])
      const guild = await table(harness, guildAtMessage({ content: '/table', channelId: 'channel-2' }))
      expect(await say(clickButton(guild, 'd6', { by: 'g-user', id: 'itx-u' }))).toEqual(['guild:g-user:roll:6:🎲 6'])

      const replies = platform.sent.slice(-5).filter((sent) => sent.body.event_id)
      expect(replies.map((sent) => [sent.scene, sent.target, sent.body.event_id, sent.body.msg_seq])).toEqual([
        ['group', 'g1', 'itx-g', 1],
        ['c2c', 'u1', 'itx-c', 1],
        ['guild', 'channel-2', 'itx-u', undefined],
      ])
      for (const id of ['itx-g', 'itx-c', 'itx-u']) expect(await ackOf(platform, id)).toBe(0)
      expect(platform.interactions.acks).toHaveLength(3)
      expect(platform.calls.filter((call) => call.method === 'PUT').every((call) => call.status === 204)).toBe(true)
    })
  })
}

describe('@OnButton outcomes and acknowledgements', () => {
  it('GIVEN an invalid {sides}, a throwing handler, or data no handler matches THEN the click is acked 1 without a reply; the failure and the unmatched click are counted', async () => {
    const harness = await start()
    const { platform, say, bot } = harness
    const group = await table(harness, groupAtMessage({ content: '/table', groupOpenid: 'g1' }))
    expect(await say(clickButton(group, 'bad', { id: 'itx-bad' }), 0)).toEqual([])
    expect(await say(clickButton(group, 'Boom', { id: 'itx-boom' }), 0)).toEqual([])
    expect(await say(clickButton(group, 'Nobody', { id: 'itx-none' }), 0)).toEqual([])
    for (const id of ['itx-bad', 'itx-boom', 'itx-none']) expect(await ackOf(platform, id)).toBe(AUTO_ACK_CODES.failed)
    await bot.client.idle()
    const { counters } = bot.client.metrics()
    expect(counters.events_failed).toEqual({ 'event="INTERACTION_CREATE"': 1 })
    expect(counters.interactions_unmatched).toEqual({ 'reason="no_handler",scene="group"': 1 })
    expect(counters.interactions_acked).toEqual({ 'by="framework",code="1"': 3 })
  })

  it.each(SCENES)(
    'GIVEN a handler that acks itself in %s THEN its code is sent, a second ack is refused before any request, and the framework does not ack again',
    async (scene) => {
      const harness = await start()
      const { message, by } = await tableAs(harness, scene, 'alice')
      expect(await harness.say(clickButton(message, 'Self', { by, id: `itx-self-${scene}` }))).toEqual([
        'acked 3; again: INTERACTION_ALREADY_ACKED',
      ])
      const puts = putsOf(harness.platform, `itx-self-${scene}`)
      expect(puts.map((call) => [call.status, call.body])).toEqual([[204, { code: 3 }]])
    },
  )

  it.each(SCENES)(
    'GIVEN a guard that refuses, or a cooldown, in %s THEN the click is acked 4, or 2 with the cooldown message; the allowed user runs',
    async (scene) => {
      const harness = await start()
      const { platform, say } = harness
      const mallory = await tableAs(harness, scene, 'mallory')
      const alice = await tableAs(harness, scene, 'alice')
      const click = (table: { message: SentMessage; by: string | undefined }, label: string, id: string) =>
        clickButton(table.message, label, { by: table.by, id: `${id}-${scene}` })
      expect(await say(click(mallory, 'Admin', 'itx-a1'), 0)).toEqual([])
      expect(await say(click(alice, 'Admin', 'itx-a2'))).toEqual(['admin ran'])
      expect(await say(click(alice, 'Cool', 'itx-c1'))).toEqual(['cool'])
      const [refusal] = await say(click(alice, 'Cool', 'itx-c2'))
      expect(refusal).toMatch(/^操作太频繁了/)
      const ids = ['itx-a1', 'itx-a2', 'itx-c1', 'itx-c2'].map((id) => `${id}-${scene}`)
      expect(await Promise.all(ids.map((id) => ackOf(platform, id)))).toEqual([4, 0, 0, 2])
      expect(platform.calls.filter((call) => call.method === 'PUT' && call.status !== 204)).toEqual([])
    },
  )

  it('GIVEN a handler still running at ackAfterMs THEN the click is acked 0 then, and its later failure sends no second ack', async () => {
    releaseSlow = undefined
    const clock = new ManualClock()
    const harness = await start({ clock, buttons: { ackAfterMs: 2_000 } })
    const { platform, bot } = harness
    const group = await table(harness, groupAtMessage({ content: '/table', groupOpenid: 'g1' }))
    platform.dispatchEvent(clickButton(group, 'Slow', { id: 'itx-slow' }))
    while (!slowRelease()) await new Promise((resolve) => setImmediate(resolve))
    await clock.advance(1_999)
    expect(platform.interactions.acks).toEqual([])
    await clock.advance(1)
    expect(await ackOf(platform, 'itx-slow')).toBe(0)
    slowRelease()!()
    await bot.client.idle()
    expect(bot.client.metrics().counters.events_failed).toEqual({ 'event="INTERACTION_CREATE"': 1 })
    expect(putsOf(platform, 'itx-slow')).toHaveLength(1)
  })
})

describe('@OnButton registration', () => {
  it('GIVEN two handlers whose patterns overlap THEN createBot fails naming both', () => {
    @Controller()
    class Votes {
      @OnButton('vote:{poll}:yes')
      yes() {}
    }
    @Controller()
    class Polls {
      @OnButton('vote:p1:{choice}')
      choose() {}
    }
    const build = () => createBot({ appId: '1', secret: 's', controllers: [Votes, Polls], logLevel: 'silent' })
    expect(build).toThrow(
      /Two @OnButton handlers can match the same button data: Votes.yes \("vote:\{poll\}:yes"\) and Polls.choose \("vote:p1:\{choice\}"\)/,
    )
  })

  it('GIVEN @Arg naming no part of the pattern, or @Rest THEN decorating fails with the reason', () => {
    expect(() => {
      @Controller()
      class Wrong {
        @OnButton('roll:{sides}')
        roll(@Arg('faces', z.string()) _faces: string) {}
      }
      return Wrong
    }).toThrow(/@Arg\('faces'\) names no part of the pattern; its parts are \{sides\}/)
    expect(() => {
      @Controller()
      class Rested {
        @OnButton('say:{text}')
        say(@Rest('text', z.string()) _text: string) {}
      }
      return Rested
    }).toThrow(/@Rest has no meaning for a button/)
  })

  it('GIVEN ackAfterMs of 5 s or more THEN createBot fails: the platform would no longer take the ack', () => {
    expect(() =>
      createBot({ appId: '1', secret: 's', controllers: [Table], providers: [Dice], buttons: { ackAfterMs: 5_000 } }),
    ).toThrow(/buttons.ackAfterMs must be between 1 and 4500 ms/)
  })
})

const Votes = defineState('votes', { chat: z.object({ yes: z.number() }).default({ yes: 0 }) })

@Controller({ state: Votes })
class Poll {
  @Command('poll')
  poll() {
    return { markdown: markdown.text('Agree?'), keyboard: keyboard().row(button.callback('Yes', 'vote:yes')).build() }
  }

  @OnButton('vote:yes')
  async vote(ctx: ButtonContext<typeof Votes>) {
    const { yes } = await ctx.state.chat.update((votes) => ({ yes: votes.yes + 1 }))
    return `${yes} yes`
  }
}

describe('@OnButton and ctx.state', () => {
  it('GIVEN clicks by three members of one group THEN the chat state counts all three and is saved, like a command', async () => {
    const harness = await start({ controllers: [Poll] })
    const poll = await table(harness, groupAtMessage({ content: '/poll', groupOpenid: 'g1' }))
    const replies: string[] = []
    for (const [index, by] of ['alice', 'bob', 'carol'].entries())
      replies.push(...(await harness.say(clickButton(poll, 'Yes', { by, id: `itx-vote-${index}` }))))
    expect(replies).toEqual(['1 yes', '2 yes', '3 yes'])
    for (let index = 0; index < 3; index++) expect(await ackOf(harness.platform, `itx-vote-${index}`)).toBe(0)
  })
})
