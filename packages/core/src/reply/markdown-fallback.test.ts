import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { c2cMessage, groupAtMessage, guildAtMessage, type BuiltEvent } from '@qqbot/fake-platform'
import { button, keyboard } from '../messages/keyboard-builder.js'
import { markdown } from '../messages/markdown-builder.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { ApiError } from '../rest/api-error.js'
import { useClientOnPlatform } from '../test-client.js'

/** The builder's event as the pipeline hands it over, dispatched first so the platform knows the reference. */
function inbound(built: BuiltEvent): DispatchedEvent {
  const d = built.d as { id: string }
  return {
    name: built.t,
    id: d.id,
    data: d,
    seq: 1,
    source: 'test',
    shard: undefined,
    receivedAt: Date.now(),
    deliveryId: undefined,
    attempt: 1,
  }
}

const RICH = {
  markdown: markdown.text('# Poll\n**Tea** or [coffee](https://example.com/c)?'),
  keyboard: keyboard().row(button.callback('Tea', 'vote:tea'), button.callback('Coffee', 'vote:coffee')).build(),
}

function logLines(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString())
      done()
    },
  })
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  return { stream, lines }
}

describe('markdown fallback', () => {
  const setup = useClientOnPlatform()

  it('GIVEN a group that refuses markdown THEN the reply is resent once as text with a fresh msg_seq, and later group replies go as text at once', async () => {
    const log = logLines()
    const { platform, client } = await setup({ client: { logLevel: 'warn', logDestination: log.stream } })
    platform.markdown.refuse('group')
    const first = groupAtMessage({ content: '/poll', groupOpenid: 'g1' })
    platform.dispatchEvent(first)
    await expect(client.reply(inbound(first), RICH)).resolves.toMatchObject({ id: expect.any(String) })

    const sends = platform.calls.filter((call) => call.path === '/v2/groups/g1/messages')
    expect(sends.map((call) => [call.status, (call.body as { msg_seq: number }).msg_seq])).toEqual([
      [400, 1],
      [200, 2],
    ])
    expect(platform.sent).toHaveLength(1)
    expect(platform.sent[0]!.body).toEqual({
      content: 'Poll\nTea or coffee (https://example.com/c)?',
      msg_type: 0,
      msg_id: (first.d as { id: string }).id,
      msg_seq: 2,
    })

    const second = groupAtMessage({ content: '/poll', groupOpenid: 'g1' })
    platform.dispatchEvent(second)
    await client.reply(inbound(second), RICH)
    expect(platform.calls.filter((call) => call.path === '/v2/groups/g1/messages')).toHaveLength(3)
    expect(platform.sent[1]!.body).toMatchObject({ msg_type: 0, msg_seq: 1 })
    expect(platform.sent[1]!.body.keyboard).toBeUndefined()

    // C2C was never refused: markdown and keyboard go as they are.
    const c2c = c2cMessage({ content: '/poll', userOpenid: 'u1' })
    platform.dispatchEvent(c2c)
    await client.reply(inbound(c2c), RICH)
    expect(platform.sent[2]!.body).toMatchObject({ msg_type: 2, markdown: RICH.markdown, keyboard: RICH.keyboard })

    expect(client.metrics().counters.replies_markdown_fallback).toEqual({
      'code="40034012",scene="group"': 1,
      'code="remembered",scene="group"': 1,
    })
    const warnings = log.lines().filter((line) => String(line.msg).includes('refused markdown'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ scene: 'group', code: 40034012 })
  })

  it('GIVEN rememberPerScene false THEN every reply tries markdown first and falls back; the refusal is still logged once', async () => {
    const log = logLines()
    const { platform, client } = await setup({
      client: {
        replies: { markdownFallback: { rememberPerScene: false } },
        logLevel: 'warn',
        logDestination: log.stream,
      },
    })
    platform.markdown.refuse('c2c', { only: 'keyboard' })
    for (let i = 0; i < 2; i++) {
      const message = c2cMessage({ content: '/poll', userOpenid: 'u1' })
      platform.dispatchEvent(message)
      await client.reply(inbound(message), RICH)
    }
    const statuses = platform.calls.filter((call) => call.path === '/v2/users/u1/messages').map((call) => call.status)
    expect(statuses).toEqual([400, 200, 400, 200])
    expect(client.metrics().counters.replies_markdown_fallback).toEqual({ 'code="304057",scene="c2c"': 2 })
    expect(log.lines().filter((line) => String(line.msg).includes('refused markdown'))).toHaveLength(1)
  })

  it('GIVEN a guild channel that refuses markdown THEN the text resend has no msg_seq or msg_type, and an author text wins over the stripped markdown', async () => {
    const { platform, client } = await setup()
    platform.markdown.refuse('guild')
    const message = guildAtMessage({ content: '/poll' })
    await client.reply(inbound(message), { ...RICH, content: 'Tea or coffee? Answer /vote tea' })
    expect(platform.sent.map((sent) => sent.body)).toEqual([
      { content: 'Tea or coffee? Answer /vote tea', msg_id: (message.d as { id: string }).id },
    ])
  })

  it('GIVEN markdownFallback false THEN the refusal rejects the reply with its ApiError and nothing is resent', async () => {
    const { platform, client } = await setup({ client: { replies: { markdownFallback: false } } })
    platform.markdown.refuse('group', { code: 304041 })
    const message = groupAtMessage({ content: '/poll', groupOpenid: 'g1' })
    platform.dispatchEvent(message)
    const error = await client.reply(inbound(message), RICH).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).is(304041)).toBe(true)
    expect(platform.sent).toEqual([])
  })

  it('GIVEN a refusal that is not about markdown THEN it is not masked by a text resend', async () => {
    const { platform, client } = await setup()
    platform.failNext({ path: /\/messages$/ }, { status: 400, body: { code: 50006, message: 'empty' } })
    const message = groupAtMessage({ content: '/poll', groupOpenid: 'g1' })
    platform.dispatchEvent(message)
    await expect(client.reply(inbound(message), RICH)).rejects.toMatchObject({ platformCode: 50006 })
    expect(platform.sent).toEqual([])
  })
})
