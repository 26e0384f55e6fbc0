/**
 * Loading, unloading and reloading plugins while a burst of messages arrives over the real fake platform
 * (gateway, REST): no event is lost, none is handled by code already disposed, none is handled twice, and the
 * connection and the other plugins carry on.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { groupAtMessage } from '@qqbot/fake-platform'
import { Arg, Command, Controller, definePlugin } from '@qqbot/framework'
import { z } from 'zod'
import { startBotHarness } from './support/bot-harness.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!()
})

/** What each version of the counter plugin did. */
interface Version {
  handled: number[]
  /** Handlers that started, or were still running, after the version's dispose callback ran. */
  afterDispose: number
  disposed: boolean
}

function counterPlugin(label: string, version: Version) {
  @Controller({ scenes: ['group'] })
  class Counter {
    @Command('n')
    async n(@Arg('i', z.coerce.number().int()) i: number) {
      if (version.disposed) version.afterDispose++
      // A turn of the event loop: handlers are still running when a swap begins.
      await new Promise((resolve) => setImmediate(resolve))
      if (version.disposed) version.afterDispose++
      version.handled.push(i)
      return `${label} ${i}`
    }
  }
  return definePlugin({
    name: 'counter',
    controllers: [Counter],
    setup: ({ onDispose }) => onDispose(() => void (version.disposed = true)),
  })
}

@Controller({ scenes: ['group'] })
class Ping {
  @Command('ping')
  ping(@Arg('i', z.coerce.number().int()) i: number) {
    return `pong ${i}`
  }
}
const ping = definePlugin({ name: 'ping', controllers: [Ping] })

@Controller({ scenes: ['group'] })
class Extra {
  @Command('extra')
  extra() {
    return 'extra'
  }
}
const extra = definePlugin({ name: 'extra', controllers: [Extra] })

const fresh = (): Version => ({ handled: [], afterDispose: 0, disposed: false })

describe("a reload with panels: 'sync'", () => {
  it('GIVEN a new version with another command THEN the panels are synced again with it', async () => {
    const { platform, bot } = await startBotHarness({ plugins: [ping], panels: 'sync', help: false }, cleanups)
    const names = () =>
      platform.panels
        .list('group')
        .flatMap((panel) => (panel.panel.items ?? []).map((item) => (item as { name: string }).name))
    expect(names()).toEqual(['/ping'])
    await bot.plugins.load(extra)
    expect(names()).toEqual(['/ping', '/extra'])
    await bot.plugins.unload('extra')
    expect(names()).toEqual(['/ping'])
  })
})

describe('plugins swapped during a live burst', () => {
  it('GIVEN 300 commands from 30 users WHEN the plugin is reloaded twice midway THEN each is answered once, never by a disposed version', async () => {
    const [v1, v2, v3] = [fresh(), fresh(), fresh()]
    const { platform, bot } = await startBotHarness({ plugins: [counterPlugin('v1', v1), ping] }, cleanups)
    const total = 300
    const swaps: Promise<void>[] = []
    for (let i = 0; i < total; i++) {
      const event = groupAtMessage({ content: `/n ${i}`, memberOpenid: `user-${i % 30}` })
      platform.dispatch(event.t, event.d)
      if (i === 100) swaps.push(bot.plugins.reload(counterPlugin('v2', v2)))
      if (i === 200) swaps.push(bot.plugins.reload(counterPlugin('v3', v3)))
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(swaps)
    await platform.waitForSent(total, 20_000)
    await bot.client.idle()

    const answers = platform.sent.map((message) => String(message.body.content))
    const numbers = answers.map((answer) => Number(answer.split(' ')[1])).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i)) // none lost, none twice
    expect([v1, v2, v3].map((version) => version.afterDispose)).toEqual([0, 0, 0])
    // A message sent after reload() was called reached the bot after the swap began: the new code handles it.
    expect(v1.handled.filter((i) => i > 100)).toEqual([])
    expect(v2.handled.filter((i) => i > 200)).toEqual([])
    expect([v1.disposed, v2.disposed, v3.disposed]).toEqual([true, true, false])
    expect(v1.handled.length + v2.handled.length + v3.handled.length).toBe(total)
    expect(v2.handled.length).toBeGreaterThan(0)
    expect(v3.handled.length).toBeGreaterThan(0)
    expect(bot.client.shards.map((shard) => shard.status)).toEqual(['ready'])
    expect(bot.client.metrics().counters.gateway_reconnects).toBeUndefined()
  })

  it('GIVEN another plugin loaded and unloaded repeatedly during a burst THEN the untouched plugin answers every message once', async () => {
    const { platform, bot } = await startBotHarness({ plugins: [ping] }, cleanups)
    const total = 200
    const swaps: Promise<void>[] = []
    for (let i = 0; i < total; i++) {
      const event = groupAtMessage({ content: `/ping ${i}`, memberOpenid: `user-${i % 20}` })
      platform.dispatch(event.t, event.d)
      if (i % 40 === 10) swaps.push(bot.plugins.load(extra))
      if (i % 40 === 30) swaps.push(bot.plugins.unload('extra'))
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(swaps)
    await platform.waitForSent(total, 20_000)
    await bot.client.idle()
    const numbers = platform.sent.map((message) => Number(String(message.body.content).split(' ')[1]))
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i))
    expect(bot.plugins.list().map((plugin) => plugin.name)).toEqual(['ping'])
  })
})
