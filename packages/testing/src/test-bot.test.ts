import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  Arg,
  Command,
  CommandContext,
  Controller,
  Cooldown,
  EventContext,
  GuildAdminOnly,
  Injectable,
  OnEvent,
} from '@qqbot/framework'
import { createTestBot, type TestBot } from './index.js'

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
  @Cooldown({ per: 'user', ms: 60_000 })
  roll(@Arg('sides', z.coerce.number().int().min(2).default(6)) sides: number) {
    return `🎲 ${this.rng.int(1, sides)}`
  }

  @Command('admin')
  @GuildAdminOnly()
  admin() {
    return 'admin ok'
  }

  @Command('ask')
  async ask(ctx: CommandContext) {
    const name = await ctx.prompt('Name?')
    return `hi ${name}`
  }

  @OnEvent('GROUP_ADD_ROBOT')
  hello(ctx: EventContext<'GROUP_ADD_ROBOT'>) {
    return ctx.reply('Hi! /help')
  }
}

const fixed = (value: number) => ({ token: RandomService, useValue: { int: () => value } })

let bot: TestBot | undefined
afterEach(async () => {
  await bot?.stop()
  bot = undefined
})

describe('createTestBot', () => {
  it('GIVEN the example from the issue THEN the whole chain runs without sockets', async () => {
    bot = await createTestBot({ controllers: [Dice], providers: [fixed(4)], locale: 'en' })
    const alice = bot.user('alice').inGroup('g1')
    await alice.send('/roll 20')
    expect(alice.lastReply()).toBe('🎲 4')
    await bot.user('bob').inGroup('g1').send('/roll x')
    expect(bot.replies.at(-1)!.text).toMatch(/sides/)
    const [hello] = await bot.emit('GROUP_ADD_ROBOT', { group_openid: 'g1', op_member_openid: 'alice', timestamp: 1 })
    expect(hello).toMatchObject({ scene: 'group', target: 'g1', text: 'Hi! /help' })
    expect(bot.api.calls.every((call) => call.route !== 'POST /app/getAppAccessToken')).toBe(true)
  })

  it('GIVEN every scene THEN replies are routed with the passive-reply ids the platform needs', async () => {
    bot = await createTestBot({ controllers: [Dice], providers: [fixed(3)] })
    const [group] = await bot.user('u1').inGroup('g9').send('/roll')
    const [c2c] = await bot.user('u2').inC2C().send('roll')
    const [channel] = await bot.user('u3').inChannel('c7').send('/roll')
    const [dm] = await bot.user('u4').inDM('dm-g').send('roll')
    expect([group, c2c, channel, dm].map((reply) => [reply!.scene, reply!.target])).toEqual([
      ['group', 'g9'],
      ['c2c', 'u2'],
      ['guild', 'c7'],
      ['dm', 'dm-g'],
    ])
    expect(group!.body).toMatchObject({ msg_seq: 1, msg_type: 0 })
    expect(channel!.body.msg_id).toMatch(/^test-msg-/)
  })

  it('GIVEN guards, conversations and recorded calls THEN tests can drive and inspect them', async () => {
    bot = await createTestBot({ controllers: [Dice], providers: [fixed(5)], locale: 'en' })
    const admin = bot.user('boss').inChannel('c1', 'guild', ['2'])
    expect((await admin.send('/admin'))[0]!.text).toBe('admin ok')
    expect((await bot.user('pleb').inChannel('c1', 'guild', ['1']).send('/admin'))[0]!.text).toMatch(/administrator/)
    const carol = bot.user('carol').inC2C()
    expect((await carol.send('/ask'))[0]!.text).toBe('Name?')
    expect((await carol.send('Carol'))[0]!.text).toBe('hi Carol')
    await carol.send('/roll')
    expect((await carol.send('/roll'))[0]!.text).toMatch(/^Slow down/)
    expect(bot.api.calls.filter((call) => call.route === 'POST /v2/users/{openid}/messages')).toHaveLength(4)
  })

  it('GIVEN a cooldown THEN wrong arguments are answered instead of "slow down", and do not start the clock', async () => {
    bot = await createTestBot({ controllers: [Dice], providers: [fixed(4)], locale: 'en' })
    const dave = bot.user('dave').inGroup('g1')
    const usage = '\nUsage: /roll [sides]'
    expect((await dave.send('/roll abc'))[0]!.text).toBe(`Invalid argument sides: "abc" is not a number.${usage}`)
    expect((await dave.send('/roll 1'))[0]!.text).toBe(
      `Invalid argument sides: "1" is not a number of at least 2.${usage}`,
    )
    expect((await dave.send('/roll 6'))[0]!.text).toBe('🎲 4')
    expect((await dave.send('/roll 6 extra'))[0]!.text).toMatch(/^Extra words at the end: "extra"/)
    expect((await dave.send('/roll 6'))[0]!.text).toMatch(/^Slow down/)
  })

  it('GIVEN media replies THEN a small one is uploaded in one call and a large one completes as an instant upload', async () => {
    @Controller()
    class Media {
      @Command('pic')
      pic() {
        return { image: Buffer.alloc(100, 1) }
      }

      @Command('clip')
      clip() {
        return { video: Buffer.alloc(6 * 1024 * 1024, 2) }
      }
    }
    bot = await createTestBot({ controllers: [Media] })
    const user = bot.user('u1').inGroup('g1')
    const [pic] = await user.send('/pic')
    const [clip] = await user.send('/clip')
    expect([pic!.body, clip!.body]).toMatchObject([
      { msg_type: 7, media: { file_info: expect.any(String) } },
      { msg_type: 7, media: { file_info: expect.any(String) } },
    ])
    expect(
      bot.api.calls.map((call) => call.route).filter((route) => route.includes('/v2/') && !route.endsWith('/messages')),
    ).toEqual([
      'POST /v2/groups/{group_openid}/files',
      'POST /v2/groups/{group_openid}/upload_prepare',
      'POST /v2/groups/{group_openid}/files',
    ])
  })

  it('GIVEN respond() THEN an API answer can be replaced for a test', async () => {
    @Controller()
    class Roles {
      @Command('roles')
      async roles(ctx: CommandContext) {
        const { roles } = await ctx.client.api.getRoles('guild')
        return roles.map((role) => role.name).join(', ')
      }
    }
    bot = await createTestBot({ controllers: [Roles] })
    bot.api.respond('GET /guilds/{guild_id}/roles', () => ({
      roles: [
        { id: '1', name: 'everyone' },
        { id: '2', name: 'admins' },
      ],
    }))
    expect((await bot.user('x').inGroup('g').send('/roles'))[0]!.text).toBe('everyone, admins')
  })
})
