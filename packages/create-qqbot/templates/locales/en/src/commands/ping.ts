import { Command, Controller } from '@qqbot/framework'

@Controller()
export class Ping {
  /** `/ping` → `pong`. A command replies with what its method returns. */
  @Command('ping', { description: 'Check that the bot is alive' })
  ping() {
    return 'pong'
  }
}
