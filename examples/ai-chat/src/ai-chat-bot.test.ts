import { afterEach, describe, expect, it, vi } from 'vitest'
import { c2cMessage, groupAtMessage } from '@qqbot/fake-platform'
import { createIntegrationBot, ManualClock, type IntegrationBot } from '@qqbot/testing'
import { AiChat, CHAT_MODEL, type ChatModel } from './ai-chat-bot.js'

/** A deterministic model: it yields the scripted pieces one at a time, when the test says so. */
class ScriptedModel implements ChatModel {
  readonly questions: string[] = []
  private readonly released: (() => void)[] = []
  private waiting: (() => void) | undefined

  constructor(private readonly pieces: string[]) {}

  /** Lets the next `count` pieces through. */
  release(count = 1): void {
    for (let i = 0; i < count; i++) this.released.push(() => undefined)
    this.waiting?.()
  }

  async *answer(question: string): AsyncIterable<string> {
    this.questions.push(question)
    for (const piece of this.pieces) {
      while (this.released.length === 0) await new Promise<void>((resolve) => (this.waiting = resolve))
      this.released.shift()
      yield piece
    }
  }
}

let integration: IntegrationBot | undefined
afterEach(async () => {
  await integration?.close()
  integration = undefined
})

async function start(model: ChatModel, clock = new ManualClock()) {
  integration = await createIntegrationBot({
    controllers: [AiChat],
    providers: [{ token: CHAT_MODEL, useValue: model }],
    platform: { now: () => clock.now() },
    streaming: { clock, typing: false },
  })
  return integration
}

describe('the ai-chat example', () => {
  it('GIVEN a C2C question THEN the answer grows in one message, frame by frame, and ends with the whole answer', async () => {
    const clock = new ManualClock()
    const model = new ScriptedModel(['The', ' answer', ' is', ' 42.'])
    const bot = await start(model, clock)
    const replies = bot.deliver(c2cMessage({ content: '/ai what is it?', userOpenid: 'U1' }), { expected: 1 })
    model.release()
    await vi.waitFor(() => expect(bot.platform.streams.streams[0]?.frames.map((f) => f.text)).toEqual(['The']))
    model.release(2)
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1))
    await clock.advance(500)
    await vi.waitFor(() => expect(bot.platform.streams.streams[0]?.frames.at(-1)?.text).toBe('The answer is'))
    model.release()
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1))
    await clock.advance(500)
    expect((await replies).map((reply) => reply.text)).toEqual(['The answer is 42.'])
    expect(model.questions).toEqual(['what is it?'])
    expect(bot.platform.streams.finished).toHaveLength(1)
  })

  it('GIVEN a group question THEN the whole answer comes as one ordinary reply', async () => {
    const model = new ScriptedModel(['Groups', ' get', ' it', ' at once.'])
    const bot = await start(model)
    model.release(4)
    const replies = await bot.deliver(groupAtMessage({ content: '/ask hi', groupOpenid: 'G1' }), { expected: 1 })
    expect(replies.map((reply) => [reply.scene, reply.text])).toEqual([['group', 'Groups get it at once.']])
  })
})
