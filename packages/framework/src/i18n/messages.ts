import { z } from 'zod'
import type { Scene } from '@qqbot/core'

/** Stable identifiers of what the command layer tells users; each doubles as the key of its text. */
export type MessageId =
  | 'ARGUMENT_INVALID'
  | 'ARGUMENT_MISSING'
  | 'FLAG_UNKNOWN'
  | 'FLAG_INVALID'
  | 'UNCLOSED_QUOTE'
  | 'DANGLING_ESCAPE'
  | 'HANDLER_FAILED'
  | 'COOLDOWN'
  | 'NOT_ALLOWED'
  | 'WRONG_SCENE'
  | 'HELP_LIST'
  | 'HELP_UNKNOWN'
  | 'HELP_ALIASES'
  | 'HELP_ARGUMENTS'
  | 'HELP_OPTIONS'
  | 'HELP_DEFAULT'
  | 'PROMPT_TIMEOUT'
  | 'PROMPT_CANCELLED'
  | 'PROMPT_INTERRUPTED'
  | 'COMMAND_CHANGED'
  | 'STREAM_FAILED'
  // Mistakes in a command: extra words, an unknown command that looks like a known one.
  | 'ARGUMENT_EXTRA'
  | 'COMMAND_UNKNOWN'

export interface MessageParams {
  name?: string
  /** What the user typed for the argument (one line, shortened). */
  given?: string
  /** What the schema expects, in the user's words ("a whole number of at least 2"); absent for custom checks. */
  expected?: string
  /** zod's own text of the problem, in the bot's language (or a `.refine()` message): the fallback for `expected`. */
  reason?: string
  usage?: string
  seconds?: number
  [key: string]: string | number | undefined
}

export type Locale = 'zh-CN' | 'en'
export type MessageTable = Record<MessageId, (params: MessageParams) => string>

const usage = (params: MessageParams, label: string) => (params.usage ? `\n${label}${params.usage}` : '')
const zhProblem = (p: MessageParams) =>
  `${p.given === undefined ? '' : `“${p.given}”`}${p.expected === undefined ? `（${p.reason}）` : `不是${p.expected}`}`
const enProblem = (p: MessageParams) =>
  p.expected === undefined
    ? `${p.given === undefined ? '' : `"${p.given}": `}${p.reason}`
    : `${p.given === undefined ? 'the value' : `"${p.given}"`} is not ${p.expected}`

export const MESSAGES: Record<Locale, MessageTable> = {
  'zh-CN': {
    ARGUMENT_INVALID: (p) => `参数 ${p.name} 无效：${zhProblem(p)}。${usage(p, '用法：')}`,
    ARGUMENT_MISSING: (p) => `缺少参数 ${p.name}${p.expected ? `（${p.expected}）` : ''}${usage(p, '用法：')}`,
    FLAG_UNKNOWN: (p) => `未知选项 --${p.name}${usage(p, '用法：')}`,
    FLAG_INVALID: (p) => `选项 --${p.name} 无效：${zhProblem(p)}。${usage(p, '用法：')}`,
    UNCLOSED_QUOTE: (p) => `引号没有闭合，请补上结尾的引号或用 \\ 转义。${usage(p, '用法：')}`,
    DANGLING_ESCAPE: (p) => `命令以单独的 \\ 结尾，请删除它或在后面加上要转义的字符。${usage(p, '用法：')}`,
    HANDLER_FAILED: () => '处理命令时出错了，请稍后再试。',
    COOLDOWN: (p) => `操作太频繁了，请 ${p.seconds} 秒后再试。`,
    NOT_ALLOWED: () => '只有频道主或管理员可以使用这个命令。',
    WRONG_SCENE: (p) => `${p.name} 只能在${p.where}中使用。`,
    HELP_LIST: () => '可用命令：',
    HELP_UNKNOWN: (p) => `没有名为 ${p.name} 的命令。发送 ${p.usage} 查看全部命令。`,
    HELP_ALIASES: () => '别名：',
    HELP_ARGUMENTS: () => '参数：',
    HELP_OPTIONS: () => '选项：',
    HELP_DEFAULT: (p) => `默认 ${p.name}`,
    PROMPT_TIMEOUT: () => '等待回复超时，已取消。',
    PROMPT_CANCELLED: () => '已取消。',
    PROMPT_INTERRUPTED: (p) => `之前的对话中断了，请重新发送 ${p.name} 开始。`,
    COMMAND_CHANGED: () => '这个命令刚刚更新了，请重新发送命令。',
    STREAM_FAILED: () => '（回答中断了，请稍后再试。）',
    ARGUMENT_EXTRA: (p) => `多余的内容：“${p.given}”。含空格的参数请加引号。${usage(p, '用法：')}`,
    COMMAND_UNKNOWN: (p) => `没有 ${p.name} 这个命令。你是想用 ${p.suggestion} 吗？`,
  },
  en: {
    ARGUMENT_INVALID: (p) => `Invalid argument ${p.name}: ${enProblem(p)}.${usage(p, 'Usage: ')}`,
    ARGUMENT_MISSING: (p) => `Missing argument ${p.name}${p.expected ? ` (${p.expected})` : ''}${usage(p, 'Usage: ')}`,
    FLAG_UNKNOWN: (p) => `Unknown option --${p.name}${usage(p, 'Usage: ')}`,
    FLAG_INVALID: (p) => `Invalid option --${p.name}: ${enProblem(p)}.${usage(p, 'Usage: ')}`,
    UNCLOSED_QUOTE: (p) => `A quote is not closed: add the closing quote or escape it with \\.${usage(p, 'Usage: ')}`,
    DANGLING_ESCAPE: (p) =>
      `The command ends with a lone \\: remove it or add the character to escape.${usage(p, 'Usage: ')}`,
    HANDLER_FAILED: () => 'Something went wrong while handling that command. Please try again later.',
    COOLDOWN: (p) => `Slow down: try again in ${p.seconds} s.`,
    NOT_ALLOWED: () => 'Only the guild owner or an administrator can use this command.',
    WRONG_SCENE: (p) => `${p.name} works only in ${p.where}.`,
    HELP_LIST: () => 'Commands:',
    HELP_UNKNOWN: (p) => `There is no command called ${p.name}. Send ${p.usage} to see them all.`,
    HELP_ALIASES: () => 'Aliases: ',
    HELP_ARGUMENTS: () => 'Arguments:',
    HELP_OPTIONS: () => 'Options:',
    HELP_DEFAULT: (p) => `default ${p.name}`,
    PROMPT_TIMEOUT: () => 'No answer in time; cancelled.',
    PROMPT_CANCELLED: () => 'Cancelled.',
    PROMPT_INTERRUPTED: (p) => `That conversation was interrupted. Please start again with ${p.name}.`,
    COMMAND_CHANGED: () => 'This command was just updated; please send it again.',
    STREAM_FAILED: () => '(The answer was cut short by an error. Please try again.)',
    ARGUMENT_EXTRA: (p) =>
      `Extra words at the end: "${p.given}". Put quotes around an argument that has spaces.${usage(p, 'Usage: ')}`,
    COMMAND_UNKNOWN: (p) => `There is no command ${p.name}. Did you mean ${p.suggestion}?`,
  },
}

/** How `where` of WRONG_SCENE names the scenes a command works in. */
export const SCENE_NAMES: Record<Locale, { names: Record<Scene, string>; join: (names: string[]) => string }> = {
  'zh-CN': { names: { guild: '频道', dm: '私信', group: '群聊', c2c: '单聊' }, join: (names) => names.join('、') },
  en: {
    names: { guild: 'guild channels', dm: 'direct messages', group: 'group chats', c2c: 'one-to-one chats' },
    join: (names) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`),
  },
}

/** zod's own issue texts in the same language, applied per parse (never through zod's global config). */
export const ZOD_LOCALES: Record<Locale, z.core.$ZodErrorMap> = {
  'zh-CN': z.locales.zhCN().localeError,
  en: z.locales.en().localeError,
}
