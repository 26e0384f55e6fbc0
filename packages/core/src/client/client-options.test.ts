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
