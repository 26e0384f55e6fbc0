import { z } from 'zod'
import { Arg, Command, Controller, Cooldown } from '@qqbot/framework'
import { RandomService } from '../services/random.js'

@Controller()
export class Dice {
  // 按类型注入：RandomService 已登记在 `providers`（src/bot.ts）中。
  constructor(private readonly random: RandomService) {}

  /** `/roll`、`/roll 20`：参数由 zod 解析和校验；参数不对时回复用法提示。 */
  @Command('roll', { aliases: ['r'], description: '掷一个骰子' })
  @Cooldown({ per: 'user', ms: 3_000 })
  roll(
    @Arg('sides', z.coerce.number().int().min(2).max(1000).default(6), { description: '骰子的面数' })
    sides: number,
  ) {
    return `🎲 ${this.random.int(1, sides)}（${sides} 面骰）`
  }
}
