import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/qqbot-error.js'
import { Intents } from '../intents/intents.js'
import { createClient, type QQBotClient } from './qqbot-client.js'
import type { ClientOptions } from './client-options.js'

const base = { appId: '102000001', secret: 'a-secret-of-sorts', logLevel: 'silent' } as const

function configError(options: unknown): ConfigError {
  try {
    createClient(options as ClientOptions)
  } catch (error) {
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('createClient options', () => {
  it.each([['webhook'], ['gateway']])(
    'GIVEN the renamed delivery option (%s) THEN a ConfigError names source with the same value',
    (value) => {
      const error = configError({ ...base, delivery: value })
      expect(error).toBeInstanceOf(ConfigError)
      expect(error.code).toBe('CONFIG_INVALID')
      expect(error.message).toContain(`source: "${value}"`)
    },
  )

  it.each([
    ['a misspelt name', 'webhooks', /"webhooks"/],
    ['a number', 1, /got number/],
    ['an object that is no event source', { kind: 'x' }, /got object/],
  ])('GIVEN source as %s THEN a ConfigError lists what source takes', (_, source, got) => {
    const error = configError({ ...base, source })
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message).toMatch(/'gateway', 'webhook' or an event source/)
    expect(error.message).toMatch(got)
  })

  it('GIVEN source gateway or none THEN client.webhook refuses, and with webhook it is the webhook source', () => {
    expect(() => createClient({ ...base }).webhook).toThrow(/source: 'webhook'/)
    expect(() => createClient({ ...base, source: 'gateway' }).webhook).toThrow(ConfigError)
    expect(createClient({ ...base, source: 'webhook' }).webhook.kind).toBe('webhook')
  })

  it.each([
    ['a string', 'Bot 102000001.abcdef'],
    ['an empty string', ''],
  ])('GIVEN the legacy token (%s) THEN it refuses with a ConfigError naming 11245 and the AppSecret', (_, token) => {
    const error = configError({ ...base, token })
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.code).toBe('CONFIG_INVALID')
    expect(error.message).toMatch(/11245/)
    expect(error.message).toMatch(/AppSecret/)
    expect(error.message).toMatch(/secret/) // says which option to use instead
  })

  it.each([
    ['no appId', { secret: 's' }, /appId is missing.*AppID/],
    ['a blank appId', { appId: ' ', secret: 's' }, /appId is missing/],
    [
      'a numeric appId',
      { appId: 102000001, secret: 's' },
      /appId must be a string, not a number: write appId: '102000001'/,
    ],
    ['a numeric secret', { appId: '1', secret: 987654321 }, /^(?!.*987654321).*secret must be a string, not a number/],
    ['no secret', { appId: '1' }, /secret is missing.*AppSecret/],
    ['an empty secret', { appId: '1', secret: '' }, /secret is missing/],
    ['no options at all', null, /options object.*appId.*secret/],
    ['undefined options', undefined, /options object/],
  ])('GIVEN %s THEN a clear ConfigError', (_, options, message) => {
    const error = configError(options)
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.code).toBe('CONFIG_INVALID')
    expect(error.message).toMatch(message)
  })

  it.each([
    ['extraIntents', { extraIntents: ['GUILD_MESAGES'] }, 'GUILD_MESAGES'],
    ['intents', { intents: ['GUILDS', 'PUBLIC_MESSAGES'] }, 'PUBLIC_MESSAGES'],
  ])('GIVEN an unknown intent name in %s THEN createClient rejects it, listing every valid name', (_, options, bad) => {
    const error = configError({ ...base, ...options })
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message).toContain(`Unknown intent "${bad}"`)
    for (const name of Object.keys(Intents)) expect(error.message).toContain(name)
  })
})

describe('createClient intents', () => {
  it('GIVEN subscriptions THEN intents are derived from them, plus extraIntents', () => {
    const client: QQBotClient = createClient({ ...base, extraIntents: ['INTERACTION'] })
    client.on('GROUP_AT_MESSAGE_CREATE', () => undefined)
    client.on('AT_MESSAGE_CREATE', () => undefined)
    client.on('GUILD_MEMBER_ADD', () => undefined)
    expect(client.intents).toBe(
      Intents.GROUP_AND_C2C_EVENT | Intents.PUBLIC_GUILD_MESSAGES | Intents.GUILD_MEMBERS | Intents.INTERACTION,
    )
  })

  it('GIVEN subscriptions added over time THEN the intents follow them, and one bit serves several events', () => {
    const client = createClient({ ...base })
    expect(client.intents).toBe(Intents.GUILDS) // nothing subscribed: GUILDS, as botgo/botpy do for 0
    client.on('C2C_MESSAGE_CREATE', () => undefined)
    expect(client.intents).toBe(Intents.GROUP_AND_C2C_EVENT)
    client.on('GROUP_AT_MESSAGE_CREATE', () => undefined).on('FRIEND_ADD', () => undefined)
    expect(client.intents).toBe(Intents.GROUP_AND_C2C_EVENT)
    client
      .on('DIRECT_MESSAGE_CREATE', () => undefined)
      .on('INTERACTION_CREATE', () => undefined)
      .on('MESSAGE_CREATE', () => undefined)
    expect(client.intents).toBe(
      Intents.GROUP_AND_C2C_EVENT | Intents.DIRECT_MESSAGE | Intents.INTERACTION | Intents.GUILD_MESSAGES,
    )
  })

  it('GIVEN only extraIntents, or events that need no intent, or onAny THEN only the extras are asked for', () => {
    const client = createClient({ ...base, extraIntents: ['GUILDS', 'GUILD_MEMBERS'] })
    client.on('READY', () => undefined)
    client.on('SOMETHING_NOT_YET_KNOWN', () => undefined)
    client.onAny(() => undefined)
    expect(client.intents).toBe(Intents.GUILDS | Intents.GUILD_MEMBERS)
  })

  it('GIVEN explicit intents (names or bits) THEN they win over subscriptions and extras', () => {
    const named = createClient({ ...base, intents: ['GUILDS', 'DIRECT_MESSAGE'], extraIntents: ['INTERACTION'] })
    named.on('GROUP_AT_MESSAGE_CREATE', () => undefined)
    expect(named.intents).toBe(Intents.GUILDS | Intents.DIRECT_MESSAGE)
    const bits = createClient({ ...base, intents: 5, extraIntents: ['INTERACTION'] })
    bits.on('AT_MESSAGE_CREATE', () => undefined)
    expect(bits.intents).toBe(5)
  })
})

describe('handler fan-out', () => {
  it('GIVEN several handlers and one throws synchronously THEN the others still run and the error is reported', async () => {
    const { startFakePlatform, groupAtMessage } = await import('@qqbot/fake-platform')
    const platform = await startFakePlatform()
    const client = createClient({
      ...base,
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      gateway: { identifyIntervalMs: 0 },
    })
    const ran: string[] = []
    const errors: unknown[] = []
    client.onAny(() => void ran.push('any'))
    client.on('GROUP_AT_MESSAGE_CREATE', () => {
      throw new Error('sync failure')
    })
    client.on('GROUP_AT_MESSAGE_CREATE', () => void ran.push('second'))
    client.onHandlerError((error) => errors.push(error))
    try {
      await client.start()
      const event = groupAtMessage({ content: 'x' })
      platform.dispatch(event.t, event.d)
      for (let i = 0; i < 250 && !(ran.length === 2 && errors.length === 1); i++)
        await new Promise((resolve) => setTimeout(resolve, 20))
      expect(ran).toEqual(['any', 'second'])
      expect((errors[0] as Error).message).toBe('sync failure')
    } finally {
      await client.stop()
      await platform.close()
    }
  })
})
