import type { Locale, Provider } from '@qqbot/framework'
import { Dice } from './commands/dice.js'
import { Ping } from './commands/ping.js'
import { RandomService } from './services/random.js'

/** The language of the framework's replies (argument errors, cooldowns, /help); every createBot() passes it. */
export const locale: Locale = '{{locale}}'

/** Every controller of the bot: add yours here. */
export const controllers = [Ping, Dice]

/** The services controllers inject. Tests pass their own doubles after these. */
export const providers: Provider[] = [RandomService]
