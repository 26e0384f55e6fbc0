import { z } from 'zod'
import { Arg, Command, Controller, Inject, definePlugin } from '@qqbot/framework'

/** 插件的配置项，机器人启动时校验。每个 `.describe()` 是 README 配置表的一行。 */
export const configSchema = z.object({
  greeting: z.string().min(1).default('你好').describe('名字前面的问候语'),
  shout: z.boolean().default(false).describe('用大写字母回答'),
})

export type GreetConfig = z.output<typeof configSchema>

/** 解析后的配置注册在这个令牌下，供控制器注入。 */
export const GREET_CONFIG = Symbol('{{pluginName}} config')

@Controller()
export class Greet {
  constructor(@Inject(GREET_CONFIG) private readonly config: GreetConfig) {}

  /** `/hello 小明` → `你好，小明！` */
  @Command('hello', { description: '打个招呼' })
  hello(@Arg('name', z.string().default('朋友'), { description: '问候谁' }) name: string) {
    const text = `${this.config.greeting}，${name}！`
    return this.config.shout ? text.toUpperCase() : text
  }
}

export default definePlugin({
  name: '{{pluginName}}',
  version: '0.1.0',
  description: '向大家问好',
  // 本插件适用的 @qqbot/framework 版本：其他版本的机器人会拒绝加载它。
  compat: '^0.1.0',
  config: configSchema,
  controllers: [Greet],
  setup({ config, container }) {
    container.register(GREET_CONFIG, { useValue: config })
  },
})
