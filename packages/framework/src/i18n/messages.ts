import { z } from 'zod'

/** Stable identifiers of what the command layer tells users; each doubles as the key of its text. */
export type MessageId = 'ARGUMENT_INVALID' | 'ARGUMENT_MISSING' | 'FLAG_UNKNOWN' | 'FLAG_INVALID' | 'UNCLOSED_QUOTE' | 'DANGLING_ESCAPE' | 'HANDLER_FAILED'

export interface MessageParams {
  name?: string
  reason?: string
  usage?: string
}

export type Locale = 'zh-CN' | 'en'
export type MessageTable = Record<MessageId, (params: MessageParams) => string>

const usage = (params: MessageParams, label: string) => (params.usage ? `\n${label}${params.usage}` : '')

export const MESSAGES: Record<Locale, MessageTable> = {
  'zh-CN': {
    ARGUMENT_INVALID: (p) => `参数 ${p.name} 无效：${p.reason}${usage(p, '用法：')}`,
    ARGUMENT_MISSING: (p) => `缺少参数 ${p.name}${usage(p, '用法：')}`,
    FLAG_UNKNOWN: (p) => `未知选项 --${p.name}${usage(p, '用法：')}`,
    FLAG_INVALID: (p) => `选项 --${p.name} 无效：${p.reason}${usage(p, '用法：')}`,
    UNCLOSED_QUOTE: (p) => `引号没有闭合，请补上结尾的引号或用 \\ 转义。${usage(p, '用法：')}`,
    DANGLING_ESCAPE: (p) => `命令以单独的 \\ 结尾，请删除它或在后面加上要转义的字符。${usage(p, '用法：')}`,
    HANDLER_FAILED: () => '处理命令时出错了，请稍后再试。',
  },
  en: {
    ARGUMENT_INVALID: (p) => `Invalid argument ${p.name}: ${p.reason}${usage(p, 'Usage: ')}`,
    ARGUMENT_MISSING: (p) => `Missing argument ${p.name}${usage(p, 'Usage: ')}`,
    FLAG_UNKNOWN: (p) => `Unknown option --${p.name}${usage(p, 'Usage: ')}`,
    FLAG_INVALID: (p) => `Invalid option --${p.name}: ${p.reason}${usage(p, 'Usage: ')}`,
    UNCLOSED_QUOTE: (p) => `A quote is not closed: add the closing quote or escape it with \\.${usage(p, 'Usage: ')}`,
    DANGLING_ESCAPE: (p) => `The command ends with a lone \\: remove it or add the character to escape.${usage(p, 'Usage: ')}`,
    HANDLER_FAILED: () => 'Something went wrong while handling that command. Please try again later.',
  },
}

/** zod's own issue texts in the same language, applied per parse (never through zod's global config). */
export const ZOD_LOCALES: Record<Locale, z.core.$ZodErrorMap> = {
  'zh-CN': z.locales.zhCN().localeError,
  en: z.locales.en().localeError,
}
