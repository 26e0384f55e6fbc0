import { Controller, EventContext, OnEvent } from '@qqbot/framework'
import type { InteractionAckCode, InteractionPayload } from '@qqbot/core'
import { parseButtonData } from '../button-data.js'
import { PollBox, tally } from '../poll-box.js'
import { ExampleSettings } from '../settings.js'

/** Ack codes the platform shows to the clicking user (protocol: 0 ok, 1 failed, 3 duplicate). */
const ACK = { ok: 0, failed: 1, duplicate: 3 } as const satisfies Record<string, InteractionAckCode>

/**
 * Button clicks (INTERACTION_CREATE). Every click is acknowledged with `PUT /interactions/{id}` (without it
 * the user's button spins until it times out), then answered as a passive reply to the interaction
 * (`event_id` = the interaction id), in the group or C2C chat the click came from.
 */
@Controller()
export class Interactions {
  constructor(
    private readonly polls: PollBox,
    private readonly settings: ExampleSettings,
  ) {}

  @OnEvent('INTERACTION_CREATE')
  async clicked(ctx: EventContext<'INTERACTION_CREATE'>): Promise<void> {
    const action = parseButtonData(ctx.data.data?.resolved?.button_data)
    if (!action) return this.ack(ctx, ACK.failed)
    if (action.kind === 'cat') {
      await this.ack(ctx, ACK.ok)
      await ctx.reply({ image: this.settings.imageUrl, content: '🐱' })
      return
    }
    const vote = this.polls.vote(action.pollId, voterOf(ctx.data), action.choice)
    if (vote.outcome === 'unknown') return this.ack(ctx, ACK.failed)
    if (vote.outcome === 'duplicate') return this.ack(ctx, ACK.duplicate)
    await this.ack(ctx, ACK.ok)
    await ctx.reply(`🗳️ ${vote.poll.question}: ${tally(vote.poll)}`)
  }

  private ack(ctx: EventContext<'INTERACTION_CREATE'>, code: InteractionAckCode): Promise<void> {
    return ctx.client.api.ackInteraction(ctx.data.id, code)
  }
}

/** Who clicked: the member openid in a group, the user openid in C2C, the user id in a guild. */
function voterOf(data: InteractionPayload): string {
  return data.group_member_openid ?? data.user_openid ?? data.data?.resolved?.user_id ?? 'unknown'
}
