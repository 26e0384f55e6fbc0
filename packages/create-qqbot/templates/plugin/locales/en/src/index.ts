import { z } from 'zod'
import { Arg, Command, Controller, Inject, definePlugin } from '@qqbot/framework'

/** The plugin's options, checked when the bot starts. Each `.describe()` is a row of the README's table. */
export const configSchema = z.object({
  greeting: z.string().min(1).default('Hello').describe('What the bot says before the name'),
  shout: z.boolean().default(false).describe('Answer in capital letters'),
})

export type GreetConfig = z.output<typeof configSchema>

/** The token the parsed config is registered under, for the controllers to inject. */
export const GREET_CONFIG = Symbol('{{pluginName}} config')

@Controller()
export class Greet {
  constructor(@Inject(GREET_CONFIG) private readonly config: GreetConfig) {}

  /** `/hello Alice` → `Hello, Alice!` */
  @Command('hello', { description: 'Say hello' })
  hello(@Arg('name', z.string().default('friend'), { description: 'who to greet' }) name: string) {
    const text = `${this.config.greeting}, ${name}!`
    return this.config.shout ? text.toUpperCase() : text
  }
}

export default definePlugin({
  name: '{{pluginName}}',
  version: '0.1.0',
  description: 'Greets people',
  // The @qqbot/framework versions this plugin works with: a bot on another one refuses to load it.
  compat: '^0.1.0',
  config: configSchema,
  controllers: [Greet],
  setup({ config, container }) {
    container.register(GREET_CONFIG, { useValue: config })
  },
})
