import { z } from 'zod'
import {
  Arg,
  Command,
  Controller,
  Cooldown,
  createBot,
  Flag,
  Injectable,
  OnEvent,
  Rest,
  UseGuards,
  type Bot,
  type BotOptions,
  type EventContext,
  type Guard,
} from '@qqbot/framework'

/** Where the randomness comes from; tests swap it for a fixed one. */
@Injectable()
export class RandomService {
  int(min: number, max: number): number {
    return min + Math.floor(Math.random() * (max - min + 1))
  }
}

/** Keeps a tally per user, to show a singleton service shared by commands. */
@Injectable()
export class Tally {
  private readonly rolls = new Map<string, number>()
  add(user: string | undefined, count: number): number {
    const key = user ?? '?'
    const total = (this.rolls.get(key) ?? 0) + count
    this.rolls.set(key, total)
    return total
  }
}

/** Refuses to roll more than 100 dice in total per message, whatever the flags say. */
const saneAmounts: Guard = async (ctx, next) => {
  const times = /--times[= ](\d+)|-t (\d+)/.exec((ctx.event.data as { content: string }).content)
  if (times && Number(times[1] ?? times[2]) > 100)
    return void (await ctx.reply('🎲 That is a lot of dice. At most 100, please.'))
  await next()
}

@Controller({ scenes: ['group', 'guild', 'c2c', 'dm'] })
@UseGuards(saneAmounts)
export class Dice {
  constructor(
    private readonly rng: RandomService,
    private readonly tally: Tally,
  ) {}

  @Command('roll', { aliases: ['r', '掷'], description: 'Roll dice' })
  @Cooldown({ per: 'user', ms: 3_000 })
  roll(
    @Arg('sides', z.coerce.number().int().min(2).max(1000).default(6), { description: 'faces per die' }) sides: number,
    @Flag('times', z.coerce.number().int().min(1).max(10).default(1), { short: 't', description: 'how many dice' })
    times: number,
    @Flag('sum', z.boolean().default(false), { description: 'add them up' }) sum: boolean,
    ctx: { userId: string | undefined },
  ) {
    const rolls = Array.from({ length: times }, () => this.rng.int(1, sides))
    const total = this.tally.add(ctx.userId, rolls.length)
    const text =
      sum && rolls.length > 1 ? `${rolls.join(' + ')} = ${rolls.reduce((a, b) => a + b, 0)}` : rolls.join(' ')
    return `🎲 ${text} (${total} rolled so far)`
  }

  @Command('pick', { description: 'Pick one of the options' })
  pick(
    @Rest(
      'options',
      z
        .string()
        .transform((list) =>
          list
            .split(/[,，]/)
            .map((item) => item.trim())
            .filter(Boolean),
        )
        .pipe(z.array(z.string()).min(2)),
      { description: 'comma-separated' },
    )
    options: string[],
  ) {
    return `👉 ${options[this.rng.int(0, options.length - 1)]}`
  }

  @OnEvent('GROUP_ADD_ROBOT')
  welcome(ctx: EventContext<'GROUP_ADD_ROBOT'>) {
    return ctx.reply('🎲 Hi! Try /roll 20 --times 3 --sum, or /help')
  }
}

/** The dice bot, ready to start; `providers` may override the defaults (tests pass a fixed RandomService). */
export function createDiceBot(options: Omit<BotOptions, 'controllers'>): Bot {
  return createBot({ ...options, controllers: [Dice], providers: [RandomService, Tally, ...(options.providers ?? [])] })
}
