import { z } from 'zod'
import { Command, Controller, Rest } from '@qqbot/framework'
import type { ReplyContent } from '@qqbot/core'
import { voteButton } from '../button-data.js'
import { callbackButton, keyboard } from '../keyboard.js'
import { PollBox } from '../poll-box.js'

/** Group-only commands: a poll makes sense where several people can vote. */
@Controller({ scenes: ['group'] })
export class GroupPolls {
  constructor(private readonly polls: PollBox) {}

  @Command('poll', { aliases: ['投票'], description: 'Start a yes/no poll with buttons' })
  poll(
    @Rest('question', z.string().trim().min(1).max(100), { description: 'what to vote on' }) question: string,
  ): ReplyContent {
    const poll = this.polls.open(question)
    return {
      markdown: { content: `**🗳️ ${question}**\nTap a button to vote (one vote each).` },
      keyboard: keyboard([
        callbackButton('yes', '👍 Yes', voteButton(poll.id, 'yes')),
        callbackButton('no', '👎 No', voteButton(poll.id, 'no')),
      ]),
    }
  }
}
