import { z } from 'zod'
import {
  Arg,
  Command,
  Controller,
  Cooldown,
  createBot,
  definePlugin,
  Flag,
  Inject,
  Injectable,
  OnEvent,
  Rest,
  UseGuards,
  type Bot,
  type BotOptions,
  type EventContext,
  type Guard,
} from '@qqbot/framework'
import { coin } from './coin-plugin.js'
import { RandomService } from './random-service.js'

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

/** The dice plugin's config (see {@link dice}). */
export const DiceConfig = z.object({
  /** Faces per die when `/roll` names none. */
  defaultSides: z.number().int().min(2).max(1000).default(6),
  /** What the bot says when added to a group. */
  welcome: z.string().min(1).default('🎲 Hi! Try /roll 20 --times 3 --sum, or /help'),
})
export type DiceConfig = z.output<typeof DiceConfig>

/** Where the dice controller finds its plugin's config (registered by the plugin's setup). */
export const DICE_CONFIG = Symbol('dice config')

@Controller({ scenes: ['group', 'guild', 'c2c', 'dm'] })
@UseGuards(saneAmounts)
export class Dice {
  constructor(
    private readonly rng: RandomService,
    private readonly tally: Tally,
    @Inject(DICE_CONFIG) private readonly config: DiceConfig,
  ) {}

  @Command('roll', { aliases: ['r', '掷'], description: 'Roll dice' })
  @Cooldown({ per: 'user', ms: 3_000 })
  roll(
    @Arg('sides', z.coerce.number().int().min(2).max(1000).optional(), { description: 'faces per die' })
    sides: number | undefined,
    @Flag('times', z.coerce.number().int().min(1).max(10).default(1), { short: 't', description: 'how many dice' })
    times: number,
    @Flag('sum', z.boolean().default(false), { description: 'add them up' }) sum: boolean,
    ctx: { userId: string | undefined },
  ) {
    const rolls = Array.from({ length: times }, () => this.rng.int(1, sides ?? this.config.defaultSides))
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
    return ctx.reply(this.config.welcome)
  }
}

/**
 * The dice commands as a plugin: `/roll`, `/pick` and a welcome message, with a config. It keeps its tally
 * private and uses the bot's {@link RandomService}.
 */
export const dice = definePlugin({
  name: 'dice',
  version: '0.1.0',
  description: 'Dice and random picks',
  compat: '^0.1.0',
  config: DiceConfig,
  controllers: [Dice],
  providers: [Tally],
  requires: [RandomService],
  setup: ({ container, config }) => void container.register(DICE_CONFIG, { useValue: config }),
})

/**
 * The dice bot, ready to start: the `dice` and `coin` plugins over the bot's {@link RandomService};
 * `providers` may override it (tests pass a fixed one).
 */
export function createDiceBot(
  options: Omit<BotOptions, 'controllers' | 'plugins'>,
  config: Partial<DiceConfig> = {},
): Bot {
  return createBot({
    ...options,
    providers: [RandomService, ...(options.providers ?? [])],
    plugins: [dice(config), coin],
  })
}

export { coin, RandomService }
