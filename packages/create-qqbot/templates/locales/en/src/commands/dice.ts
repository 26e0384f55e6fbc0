import { z } from 'zod'
import { Arg, Command, Controller, Cooldown } from '@qqbot/framework'
import { RandomService } from '../services/random.js'

@Controller()
export class Dice {
  // Injected by type: RandomService is registered in `providers` (src/bot.ts).
  constructor(private readonly random: RandomService) {}

  /** `/roll`, `/roll 20`: the argument is parsed and checked by zod; a bad one gets a usage hint. */
  @Command('roll', { aliases: ['r'], description: 'Roll a die' })
  @Cooldown({ per: 'user', ms: 3_000 })
  roll(
    @Arg('sides', z.coerce.number().int().min(2).max(1000).default(6), { description: 'faces of the die' })
    sides: number,
  ) {
    return `🎲 ${this.random.int(1, sides)} (d${sides})`
  }
}
