import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createTestBot } from '@qqbot/testing'
import { controllers } from './controllers.js'
import { readSettings } from './settings.js'
import { ensureBuilt } from '../../../test/support/ensure-built.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))

describe('distributed example', () => {
  it('GIVEN the controllers THEN they answer like in any single-process bot', async () => {
    const bot = await createTestBot({ controllers })
    const alice = bot.user('alice').inGroup('g1')
    await alice.send('/add 2 40')
    expect(alice.lastReply()).toBe('2 + 40 = 42')
    await alice.send('/ping')
    expect(alice.lastReply()).toMatch(/^pong from /)
    await bot.stop()
  })

  it('GIVEN no credentials or a bad shard count THEN the settings say what to set', () => {
    expect(() => readSettings({})).toThrow(/QQBOT_APP_ID and QQBOT_APP_SECRET/)
    expect(() => readSettings({ QQBOT_APP_ID: '1', QQBOT_APP_SECRET: 's', QQBOT_SHARDS: 'two' })).toThrow(
      /QQBOT_SHARDS must be a positive integer/,
    )
    expect(() => readSettings({ QQBOT_APP_ID: '1', QQBOT_APP_SECRET: 's', IDENTIFY_INTERVAL_MS: '5s' })).toThrow(
      /IDENTIFY_INTERVAL_MS must be a whole number of milliseconds; got "5s"/,
    )
    expect(
      readSettings({ QQBOT_APP_ID: '1', QQBOT_APP_SECRET: 's', IDENTIFY_INTERVAL_MS: '0' }).identifyIntervalMs,
    ).toBe(0)
    expect(
      readSettings({
        QQBOT_APP_ID: '1',
        QQBOT_APP_SECRET: 's',
        QQBOT_API_URL: 'http://platform:8080',
        QQBOT_GATEWAY_URL: 'ws://platform:8080/websocket',
      }).hosts,
    ).toEqual({
      api: 'http://platform:8080',
      gateway: 'ws://platform:8080/websocket',
    })
  })

  it('GIVEN --once THEN 2 ingress and 3 worker processes over real Redis answer 200 messages exactly once, shared by the workers', async () => {
    ensureBuilt(['examples/distributed'])
    const { stdout } = await promisify(execFile)('node', ['examples/distributed/dist/main.js', '--once'], {
      cwd: root,
      timeout: 90_000,
    })
    expect(stdout).toMatch(/200 messages over 4 shards: 200 answered exactly once/)
    const answeredBy = /answered by: (.*)/.exec(stdout)?.[1] ?? ''
    expect(answeredBy.split(', ').filter((entry) => /^worker-\d \d+$/.test(entry)).length).toBeGreaterThanOrEqual(2)
  }, 120_000) // five processes on a loaded machine: the run itself may take up to its 90 s
})
