import { describe, expect, it } from 'vitest'
import { readSettings, SettingsError } from '../src/settings.js'

const credentials = { QQBOT_APP_ID: '102000001', QQBOT_APP_SECRET: 'secret' }

describe('{{name}} settings', () => {
  it('needs the credentials, and says where they come from', () => {
    expect(() => readSettings({})).toThrow(SettingsError)
    expect(() => readSettings({ QQBOT_APP_ID: '102000001' })).toThrow(/Set QQBOT_APP_ID and QQBOT_APP_SECRET/)
  })

  it('defaults to a local Redis, 2 shards and production, and reads every variable', () => {
    expect(readSettings(credentials)).toEqual({
      appId: '102000001',
      secret: 'secret',
      hosts: 'production',
      redisUrl: 'redis://127.0.0.1:6379',
      shards: 2,
      healthPort: 9090,
      healthHost: '127.0.0.1',
      processName: undefined,
    })
    const env = {
      ...credentials,
      QQBOT_SANDBOX: 'true',
      REDIS_URL: 'redis://redis:6379',
      QQBOT_SHARDS: '8',
      HEALTH_PORT: '0',
      HEALTH_HOST: '0.0.0.0',
      PROCESS_NAME: 'worker-1',
    }
    expect(readSettings(env)).toMatchObject({
      hosts: 'sandbox',
      redisUrl: 'redis://redis:6379',
      shards: 8,
      healthPort: 0,
      healthHost: '0.0.0.0',
      processName: 'worker-1',
    })
  })

  it('points at another platform with QQBOT_API_URL (and QQBOT_GATEWAY_URL), refusing one that is not a URL', () => {
    const env = {
      ...credentials,
      QQBOT_API_URL: 'http://platform:8080',
      QQBOT_GATEWAY_URL: 'ws://platform:8080/websocket',
    }
    expect(readSettings(env).hosts).toEqual({ api: 'http://platform:8080', gateway: 'ws://platform:8080/websocket' })
    expect(readSettings({ ...credentials, QQBOT_API_URL: 'http://platform:8080' }).hosts).toEqual({
      api: 'http://platform:8080',
    })
    expect(() => readSettings({ ...credentials, QQBOT_API_URL: 'platform:8080' })).toThrow(
      /QQBOT_API_URL must be a URL/,
    )
  })

  it('refuses a shard count or port that is not a whole number in range, naming the variable', () => {
    expect(() => readSettings({ ...credentials, QQBOT_SHARDS: 'two' })).toThrow(
      'QQBOT_SHARDS must be a whole number from 1 to 10000; got "two".',
    )
    expect(() => readSettings({ ...credentials, QQBOT_SHARDS: '0' })).toThrow(/QQBOT_SHARDS/)
    expect(() => readSettings({ ...credentials, HEALTH_PORT: '70000' })).toThrow(
      /HEALTH_PORT must be a whole number from 0 to 65535/,
    )
  })
})
