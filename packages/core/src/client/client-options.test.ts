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
  it('GIVEN the legacy token THEN it refuses, naming 11245 and the AppSecret', () => {
    const error = configError({ ...base, token: 'Bot 1.abc' })
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.code).toBe('CONFIG_INVALID')
    expect(error.message).toMatch(/11245/)
    expect(error.message).toMatch(/AppSecret/)
  })

  it.each([
    [{ secret: 's' }, /appId is missing/],
    [{ appId: ' ', secret: 's' }, /appId is missing/],
    [{ appId: '1' }, /secret is missing/],
    [null, /options object/],
  ])('GIVEN %j THEN a clear ConfigError', (options, message) => {
    expect(configError(options).message).toMatch(message)
  })

  it('GIVEN an unknown intent name THEN the error lists the valid ones', () => {
    const client = createClient({ ...base, extraIntents: ['GUILD_MESAGES' as never] })
    expect(() => client.intents).toThrow(/Unknown intent "GUILD_MESAGES".*PUBLIC_GUILD_MESSAGES/)
  })

  it('GIVEN subscriptions THEN intents are derived from them, plus extras; explicit intents win', () => {
    const client: QQBotClient = createClient({ ...base, extraIntents: ['INTERACTION'] })
    client.on('GROUP_AT_MESSAGE_CREATE', () => undefined)
    client.on('AT_MESSAGE_CREATE', () => undefined)
    client.on('GUILD_MEMBER_ADD', () => undefined)
    expect(client.intents).toBe(Intents.GROUP_AND_C2C_EVENT | Intents.PUBLIC_GUILD_MESSAGES | Intents.GUILD_MEMBERS | Intents.INTERACTION)
    expect(createClient({ ...base, intents: ['GUILDS', 'DIRECT_MESSAGE'] }).intents).toBe(Intents.GUILDS | Intents.DIRECT_MESSAGE)
    expect(createClient({ ...base, intents: 5 }).intents).toBe(5)
  })
})

describe('handler fan-out', () => {
  it('GIVEN several handlers and one throws synchronously THEN the others still run and the error is reported', async () => {
    const { startFakePlatform, groupAtMessage } = await import('@qqbot/fake-platform')
    const platform = await startFakePlatform()
    const client = createClient({ ...base, appId: platform.appId, secret: platform.secret, hosts: { api: platform.url }, gateway: { identifyIntervalMs: 0 } })
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
      for (let i = 0; i < 250 && !(ran.length === 2 && errors.length === 1); i++) await new Promise((resolve) => setTimeout(resolve, 20))
      expect(ran).toEqual(['any', 'second'])
      expect((errors[0] as Error).message).toBe('sync failure')
    } finally {
      await client.stop()
      await platform.close()
    }
  })
})
