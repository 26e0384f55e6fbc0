import type { Provider } from '@qqbot/framework'
import { Dice } from './commands/dice.js'
import { Ping } from './commands/ping.js'
import { RandomService } from './services/random.js'

/** Every controller of the bot: add yours here. */
export const controllers = [Ping, Dice]

/** The services controllers inject. Tests pass their own doubles after these. */
export const providers: Provider[] = [RandomService]
