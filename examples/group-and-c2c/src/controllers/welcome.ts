import { Controller, EventContext, OnEvent } from '@qqbot/framework'

/**
 * Greets a group the bot was added to and a user who added it as a friend. Both are passive replies to the
 * event (`event_id`), the only way left to speak first since proactive messages were discontinued.
 */
@Controller()
export class Welcome {
  @OnEvent('GROUP_ADD_ROBOT')
  async joinedGroup(ctx: EventContext<'GROUP_ADD_ROBOT'>): Promise<void> {
    await ctx.reply('👋 Hi everyone! @ me with /menu to see what I can do, or /poll <question> to start a vote.')
  }

  @OnEvent('FRIEND_ADD')
  async befriended(ctx: EventContext<'FRIEND_ADD'>): Promise<void> {
    await ctx.reply('👋 Thanks for adding me! Send menu to see what I can do; note <text> keeps a private note.')
  }
}
