import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  Arg,
  Command,
  CommandContext,
  Controller,
  cooldown,
  defineState,
  EventContext,
  MemoryStateStorage,
  Injectable,
  OnEvent,
  PromptCancelledError,
  PromptTimeoutError,
} from '@qqbot/framework'
import '@qqbot/testing/matchers'
import { mockCommandContext, mockEventContext } from './index.js'

@Injectable()
class RandomService {
  int(min: number, max: number): number {
    return min + Math.floor(Math.random() * (max - min + 1))
  }
}

@Controller()
class Dice {
  constructor(private readonly rng: RandomService) {}

  @Command('roll')
  async roll(@Arg('sides', z.coerce.number().int().min(2).default(6)) sides: number, ctx: CommandContext) {
    await ctx.reply(`🎲 ${this.rng.int(1, sides)} for ${ctx.userId}`)
  }

  @Command('order')
  async order(ctx: CommandContext) {
    const size = await ctx.prompt('Which size?')
    const count = await ctx.prompt(`${size}: how many?`, { timeoutMs: 5_000 })
    return ctx.reply(`ordered ${count} × ${size}`)
  }

  @Command('roles')
  async roles(ctx: CommandContext) {
    const { roles } = await ctx.client.api.getRoles('guild-1')
    return ctx.reply(roles.map((role) => role.name).join(', '))
  }

  @OnEvent('GROUP_ADD_ROBOT')
  hello(ctx: EventContext<'GROUP_ADD_ROBOT'>) {
    return ctx.reply(`Hi ${ctx.data.group_openid}!`)
  }
}

const fakeRng: RandomService = { int: () => 4 }

describe('mockCommandContext', () => {
  it('GIVEN a handler called directly THEN its replies are recorded, routed as the bot would route them', async () => {
    const ctx = mockCommandContext({ scene: 'group', userId: 'alice', chat: 'g1', content: '/roll 20' })
    expect(ctx).toBeInstanceOf(CommandContext)
    expect([ctx.scene, ctx.userId, ctx.command, ctx.argsText, ctx.content]).toEqual([
      'group',
      'alice',
      'roll',
      '20',
      ' /roll 20',
    ])
    await new Dice(fakeRng).roll(20, ctx)
    expect(ctx.replies.map((reply) => reply.text)).toEqual(['🎲 4 for alice'])
    expect(ctx.replies[0]).toMatchObject({
      scene: 'group',
      target: 'g1',
      body: { msg_id: (ctx.event.data as { id: string }).id, msg_seq: 1 },
    })
    expect(ctx).toHaveRepliedWith('🎲 4 for alice')
    expect(ctx.replied).toBe(true)
  })

  it('GIVEN each scene THEN the context carries the sender and chat the framework reads', async () => {
    const c2c = mockCommandContext({ scene: 'c2c', userId: 'u2', command: 'roll', argsText: '6' })
    const guild = mockCommandContext({ scene: 'guild', userId: 'u3', chat: 'c7', roles: ['2'], content: '/roll' })
    const dm = mockCommandContext({ scene: 'dm', userId: 'u4', content: 'roll' })
    for (const ctx of [c2c, guild, dm]) await new Dice(fakeRng).roll(6, ctx)
    expect([c2c, guild, dm].map((ctx) => [ctx.command, ctx.replies[0]!.scene, ctx.replies[0]!.target])).toEqual([
      ['roll', 'c2c', 'u2'],
      ['roll', 'guild', 'c7'],
      ['roll', 'dm', 'dm-u4'],
    ])
    expect(c2c.content).toBe('/roll 6')
    expect((guild.event.data as { member: { roles: string[] } }).member.roles).toEqual(['2'])
  })

  it('GIVEN scripted answers THEN prompts are answered in order and later replies answer the latest message', async () => {
    const ctx = mockCommandContext({
      scene: 'c2c',
      userId: 'carol',
      content: '/order',
      answers: ['M', '3'],
      locale: 'en',
    })
    await new Dice(fakeRng).order(ctx)
    expect(ctx.replies.map((reply) => reply.text)).toEqual(['Which size?', 'M: how many?', 'ordered 3 × M'])
    const [question, second, last] = ctx.replies.map((reply) => reply.body.msg_id)
    expect(question).toBe((ctx.event.data as { id: string }).id)
    expect(new Set([question, second, last]).size).toBe(3)
    expect(ctx.answersLeft).toEqual([])
  })

  it('GIVEN the answers run out or the user cancels THEN the prompt times out on the context clock, or is cancelled', async () => {
    const ctx = mockCommandContext({ content: '/order', answers: ['M'] })
    const start = ctx.clock.now()
    await expect(new Dice(fakeRng).order(ctx)).rejects.toBeInstanceOf(PromptTimeoutError)
    expect(ctx.clock.now() - start).toBe(5_000)
    expect(ctx.lastReply()).toBe('M: how many?')

    const cancelled = mockCommandContext({ content: '/order', answers: ['cancel'] })
    await expect(new Dice(fakeRng).order(cancelled)).rejects.toMatchObject({
      constructor: PromptCancelledError,
      reason: 'user',
    })
  })

  it('GIVEN a guard THEN it can be unit-tested on the context, with say() in the locale and the context clock', async () => {
    const guard = cooldown({ per: 'user', ms: 5_000 })
    const ctx = mockCommandContext({ content: '/roll', locale: 'en' })
    let runs = 0
    const next = async () => void runs++
    await guard(ctx, next)
    await guard(ctx, next)
    expect(runs).toBe(1)
    expect(ctx.lastReply()).toBe('Slow down: try again in 5 s.')
    await ctx.clock.advance(5_000)
    await guard(ctx, next)
    expect(runs).toBe(2)
  })

  it('GIVEN a handler that calls the API THEN the call goes to the context fake API', async () => {
    const ctx = mockCommandContext({ scene: 'guild', content: '/roles' })
    ctx.api.respond('GET /guilds/{guild_id}/roles', () => ({ roles: [{ id: '4', name: 'owner' }] }))
    await new Dice(fakeRng).roles(ctx)
    expect(ctx.lastReply()).toBe('owner')
    expect(ctx.api.calls.map((call) => call.route)).toContain('GET /guilds/{guild_id}/roles')
  })
})

describe('mockCommandContext with state', () => {
  const Tally = defineState('tally', { user: z.object({ n: z.number() }).default({ n: 0 }) })

  @Controller({ state: Tally })
  class Tallies {
    @Command('tally')
    async tally(ctx: CommandContext<typeof Tally>) {
      ;(await ctx.state.user.get()).n++
      return 'ok'
    }
  }

  it('GIVEN a stateful handler called with mock contexts on one storage THEN saveState carries its state to the next call', async () => {
    const stateStorage = new MemoryStateStorage()
    for (let call = 0; call < 2; call++) {
      const ctx = mockCommandContext({ content: '/tally', userId: 'alice', state: Tally, stateStorage })
      await new Tallies().tally(ctx)
      await ctx.saveState()
    }
    const check = mockCommandContext({ content: '/tally', userId: 'alice', state: Tally, stateStorage })
    expect(await check.state.user.get()).toEqual({ n: 2 })
    const unsaved = mockCommandContext({ content: '/tally', userId: 'alice', state: Tally, stateStorage })
    await new Tallies().tally(unsaved)
    expect(await check.stateOf(Tally).user.update((value) => value)).toEqual({ n: 2 }) // not saved: still 2
  })

  it('GIVEN an @OnEvent handler with state THEN mockEventContext types and saves it too', async () => {
    const Groups = defineState('groups', { chat: z.object({ joined: z.number() }).default({ joined: 0 }) })
    const stateStorage = new MemoryStateStorage()
    const joined = async (ctx: EventContext<'GROUP_ADD_ROBOT', typeof Groups>) => {
      ;(await ctx.state.chat.get()).joined++
    }
    const ctx = mockEventContext('GROUP_ADD_ROBOT', { group_openid: 'g1' }, { state: Groups, stateStorage })
    await joined(ctx)
    await ctx.saveState()
    expect(JSON.parse((await stateStorage.read('groups:chat:group:g1'))!.json).value).toEqual({ joined: 1 })
  })
})

describe('mockEventContext', () => {
  it('GIVEN an @OnEvent handler called directly THEN its reply is recorded as an event reply', async () => {
    const ctx = mockEventContext('GROUP_ADD_ROBOT', { group_openid: 'g1', op_member_openid: 'alice' })
    await new Dice(fakeRng).hello(ctx)
    expect(ctx).toHaveRepliedWith('Hi g1!')
    expect(ctx.replies[0]).toMatchObject({ scene: 'group', target: 'g1', body: { event_id: 'GROUP_ADD_ROBOT:mock' } })
    expect(() => expect(ctx).toHaveRepliedWith('Bye')).toThrow(
      'expected the mock context of GROUP_ADD_ROBOT to have replied with "Bye", but its replies were:\n  1. "Hi g1!"',
    )
  })
})
