import { afterEach, describe, expect, it } from 'vitest'
import { c2cMessage, groupAtMessage } from '@qqbot/fake-platform'
import { RecallNotOwnMessageError } from '@qqbot/core'
import { Command, CommandContext, Controller } from '@qqbot/framework'
import { createIntegrationBot, type IntegrationBot } from '@qqbot/testing'

const outcomes: unknown[] = []

@Controller()
class Drafts {
  /** Sends a draft, recalls it by what the reply resolved with, then answers (a returned value would not be sent after a reply). */
  @Command('draft')
  async draft(ctx: CommandContext) {
    const draft = await ctx.reply('draft…')
    await ctx.recall(draft)
    await ctx.reply('final')
  }

  /** Tries to recall the user's own message by its id: the platform refuses. */
  @Command('unsay')
  async unsay(ctx: CommandContext) {
    outcomes.push(await ctx.recall((ctx.event.data as { id: string }).id).catch((error: unknown) => error))
    return 'tried'
  }
}

let integration: IntegrationBot | undefined
afterEach(async () => {
  await integration?.close()
  integration = undefined
  outcomes.length = 0
})

describe('ctx.recall()', () => {
  it.each([
    ['group', groupAtMessage({ content: '/draft', groupOpenid: 'G1' }), '/v2/groups/G1/messages/'],
    ['C2C', c2cMessage({ content: '/draft', userOpenid: 'U1' }), '/v2/users/U1/messages/'],
  ])(
    'GIVEN a %s command that recalls its draft THEN the draft is deleted and only the final reply stays',
    async (_scene, event, path) => {
      integration = await createIntegrationBot({ controllers: [Drafts], locale: 'en' })
      const replies = await integration.deliver(event, { expected: 2 })
      expect(replies.map((reply) => reply.text)).toEqual(['draft…', 'final'])
      const draft = integration.platform.sent[0]
      const deletes = integration.platform.calls.filter((call) => call.method === 'DELETE')
      expect(deletes.map((call) => [call.path, call.status])).toEqual([[`${path}${draft!.id}`, 200]])
    },
  )

  it("GIVEN a bare id of the user's message THEN it names that chat, and the platform's refusal is RecallNotOwnMessageError", async () => {
    integration = await createIntegrationBot({ controllers: [Drafts], locale: 'en' })
    await integration.deliver(groupAtMessage({ content: '/unsay', groupOpenid: 'G1', id: 'USER-1' }), { expected: 1 })
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]).toBeInstanceOf(RecallNotOwnMessageError)
    expect(integration.platform.calls.find((call) => call.method === 'DELETE')?.path).toBe(
      '/v2/groups/G1/messages/USER-1',
    )
  })
})
