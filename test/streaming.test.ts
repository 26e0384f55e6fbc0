import { afterEach, describe, expect, it, vi } from 'vitest'
import { c2cMessage, groupAtMessage } from '@qqbot/fake-platform'
import { Command, CommandContext, Controller, type BotOptions } from '@qqbot/framework'
import { createIntegrationBot, ManualClock, type IntegrationBot } from '@qqbot/testing'

/** A model's answer the test hands out chunk by chunk: deterministic, no timers. */
class ChunkFeed implements AsyncIterable<string> {
  private readonly queue: ({ chunk: string } | { error: unknown } | { end: true })[] = []
  private wake: (() => void) | undefined

  push(chunk: string): void {
    this.enqueue({ chunk })
  }

  fail(error: unknown): void {
    this.enqueue({ error })
  }

  end(): void {
    this.enqueue({ end: true })
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    for (;;) {
      while (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve))
      const item = this.queue.shift()!
      if ('end' in item) return
      if ('error' in item) throw item.error
      yield item.chunk
    }
  }

  private enqueue(item: ChunkFeed['queue'][number]): void {
    this.queue.push(item)
    this.wake?.()
  }
}

let feed = new ChunkFeed()

@Controller()
class Assistant {
  /** Returns the model's chunks: the invoker streams them. */
  @Command('ask')
  ask() {
    return feed
  }

  /** Streams a web ReadableStream through ctx.stream. */
  @Command('web')
  async web(ctx: CommandContext) {
    const source = new ReadableStream<string>({
      start(controller) {
        for (const chunk of ['from ', 'a ', 'web stream']) controller.enqueue(chunk)
        controller.close()
      },
    })
    await ctx.stream(source)
  }
}

let integration: IntegrationBot | undefined
let clock: ManualClock
afterEach(async () => {
  await integration?.close()
  integration = undefined
})

async function start(options: Partial<BotOptions> = {}) {
  feed = new ChunkFeed()
  clock = new ManualClock()
  integration = await createIntegrationBot({
    controllers: [Assistant],
    locale: 'en',
    platform: { now: () => clock.now() },
    streaming: { clock, typing: false },
    ...options,
  })
  return integration
}

/** Waits (polling) until a throttle timer is set, then moves the clock past it. */
async function nextFrameTime(): Promise<void> {
  await vi.waitFor(() => expect(clock.pendingTimers).toBeGreaterThan(0))
  await clock.advance(500)
}

function framesOf(bot: IntegrationBot, count: number) {
  return vi.waitFor(() => {
    const frames = bot.platform.streams.streams[0]?.frames ?? []
    expect(frames).toHaveLength(count)
    return frames.map((frame) => frame.text)
  })
}

describe('streamed replies from commands', () => {
  it('GIVEN a C2C command that returns a model s chunks THEN the user sees one message grow, throttled, and end with the whole answer', async () => {
    const bot = await start()
    const replies = bot.deliver(c2cMessage({ content: '/ask', userOpenid: 'U1' }), { expected: 1 })
    feed.push('Hel')
    expect(await framesOf(bot, 1)).toEqual(['Hel'])
    feed.push('lo')
    feed.push(' world')
    await nextFrameTime()
    expect(await framesOf(bot, 2)).toEqual(['Hel', 'Hello world'])
    feed.push('!')
    feed.end()
    await nextFrameTime()
    expect((await replies).map((reply) => reply.text)).toEqual(['Hello world!'])
    expect(bot.platform.streams.finished.map((stream) => stream.frames.map((frame) => frame.state))).toEqual([
      [1, 1, 10],
    ])
  })

  it('GIVEN a group command streaming a ReadableStream THEN the whole text goes as one ordinary reply', async () => {
    const bot = await start()
    const replies = await bot.deliver(groupAtMessage({ content: '/web', groupOpenid: 'G1' }), { expected: 1 })
    expect(replies.map((reply) => [reply.scene, reply.text])).toEqual([['group', 'from a web stream']])
    expect(bot.platform.streams.streams).toHaveLength(0)
  })

  it('GIVEN the source throws mid-stream THEN the stream ends with what arrived plus the error line, no second reply, and the error is counted', async () => {
    const bot = await start({ messages: { STREAM_FAILED: () => '(model unavailable)' } })
    const replies = bot.deliver(c2cMessage({ content: '/ask', userOpenid: 'U1' }), { expected: 1 })
    feed.push('partial')
    await framesOf(bot, 1)
    feed.fail(new Error('model connection reset'))
    await nextFrameTime()
    expect((await replies).map((reply) => reply.text)).toEqual(['partial\n\n(model unavailable)'])
    await bot.bot.client.idle()
    expect(bot.platform.sent).toHaveLength(1)
    expect(bot.bot.client.metrics().counters.events_failed).toBeDefined()
  })

  it('GIVEN the bot stops mid-stream THEN the open stream is finished with the text so far and the handler stops reading', async () => {
    const bot = await start()
    void bot.deliver(c2cMessage({ content: '/ask', userOpenid: 'U1' }), { expected: 0 }).catch(() => undefined)
    feed.push('half')
    await framesOf(bot, 1)
    feed.push(' an answer')
    await nextFrameTime()
    await framesOf(bot, 2)
    const stopping = bot.bot.stop()
    await nextFrameTime()
    await stopping
    expect(bot.platform.streams.finished.map((stream) => stream.finalText)).toEqual(['half an answer'])
  })
})
