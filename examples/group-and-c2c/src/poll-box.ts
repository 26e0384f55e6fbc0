import { Injectable } from '@qqbot/framework'

export type Choice = 'yes' | 'no'

export interface Poll {
  id: string
  question: string
  votes: Map<string, Choice>
}

/** What happened to a vote: counted, a second vote by the same member, or a poll this bot does not know (any more). */
export type VoteOutcome = { outcome: 'counted' | 'duplicate'; poll: Poll } | { outcome: 'unknown' }

/** Yes/no polls opened in groups, one vote per member. Keeps the latest `capacity` polls so memory stays bounded. */
@Injectable()
export class PollBox {
  readonly capacity = 100

  private readonly polls = new Map<string, Poll>()
  private counter = 0
  open(question: string): Poll {
    const poll: Poll = { id: `p${++this.counter}`, question, votes: new Map() }
    this.polls.set(poll.id, poll)
    if (this.polls.size > this.capacity) this.polls.delete(this.polls.keys().next().value!)
    return poll
  }

  vote(pollId: string, voter: string, choice: Choice): VoteOutcome {
    const poll = this.polls.get(pollId)
    if (!poll) return { outcome: 'unknown' }
    if (poll.votes.has(voter)) return { outcome: 'duplicate', poll }
    poll.votes.set(voter, choice)
    return { outcome: 'counted', poll }
  }
}

/** `Yes 2 · No 1`. */
export function tally(poll: Poll): string {
  const counts = { yes: 0, no: 0 }
  for (const choice of poll.votes.values()) counts[choice]++
  return `Yes ${counts.yes} · No ${counts.no}`
}
