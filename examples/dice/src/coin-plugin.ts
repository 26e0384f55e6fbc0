import { Command, Controller, definePlugin } from '@qqbot/framework'
import { RandomService } from './random-service.js'

@Controller({ scenes: ['group', 'guild', 'c2c', 'dm'] })
class Coin {
  constructor(private readonly rng: RandomService) {}

  @Command('flip', { aliases: ['coin'], description: 'Flip a coin' })
  flip() {
    return this.rng.int(0, 1) === 0 ? '🪙 heads' : '🪙 tails'
  }
}

/** A second, smaller plugin beside `dice`: no config, and the same bot service. */
export const coin = definePlugin({
  name: 'coin',
  description: 'Heads or tails',
  controllers: [Coin],
  requires: [RandomService],
})
