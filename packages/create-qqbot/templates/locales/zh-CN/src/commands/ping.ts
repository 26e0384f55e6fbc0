import { Command, Controller } from '@qqbot/framework'

@Controller()
export class Ping {
  /** `/ping` → `pong`。命令的回复就是方法的返回值。 */
  @Command('ping', { description: '检查机器人是否在线' })
  ping() {
    return 'pong'
  }
}
