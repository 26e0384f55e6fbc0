import { z } from 'zod'
import type { Locale } from '../i18n/messages.js'

/** A JSON Schema node, as far as the table reads it. */
interface SchemaNode {
  type?: string | string[]
  description?: string
  default?: unknown
  enum?: unknown[]
  const?: unknown
  format?: string
  items?: SchemaNode
  anyOf?: SchemaNode[]
  oneOf?: SchemaNode[]
  properties?: Record<string, SchemaNode>
  required?: string[]
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
}

export interface ConfigTableOptions {
  /** The language of the header and of "required". Default `zh-CN`, as the framework's. */
  locale?: Locale
}

interface Texts {
  header: string[]
  required: string
  length: string
  none: string
}

const TEXTS: Record<Locale, Texts> = {
  'zh-CN': {
    header: ['配置项', '类型', '默认值', '说明'],
    required: '必填',
    length: '长度',
    none: '此插件没有配置项。',
  },
  en: {
    header: ['option', 'type', 'default', 'description'],
    required: 'required',
    length: 'length',
    none: 'This plugin has no options.',
  },
}

/**
 * A plugin's config as a Markdown table, one row per field (nested objects as `parent.child`): its name, type
 * (with bounds), default (or "required") and description (`.describe()` or `.meta({ description })` in zod).
 * Read from the schema's JSON Schema (`z.toJSONSchema`, input side: what a user writes), so a README made with it
 * stays true to the code.
 */
export function configTable(schema: z.ZodType | undefined, options: ConfigTableOptions = {}): string {
  const texts = TEXTS[options.locale ?? 'zh-CN']
  const root = schema && (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as SchemaNode)
  const rows = root?.properties ? rowsOf(root, '', texts) : []
  if (rows.length === 0) return `${texts.none}\n`
  const lines = [texts.header, texts.header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`)
  return `${lines.join('\n')}\n`
}

function rowsOf(node: SchemaNode, prefix: string, texts: Texts): string[][] {
  return Object.entries(node.properties ?? {}).flatMap(([key, field]) => {
    const name = `${prefix}${key}`
    const fallback =
      'default' in field ? code(JSON.stringify(field.default)) : node.required?.includes(key) ? texts.required : '–'
    const row = [code(name), cell(typeOf(field, texts)), fallback, cell(field.description ?? '')]
    return field.properties ? [row, ...rowsOf(field, `${name}.`, texts)] : [row]
  })
}

function typeOf(node: SchemaNode, texts: Texts): string {
  if (node.enum) return node.enum.map((value) => JSON.stringify(value)).join(' | ')
  if ('const' in node) return JSON.stringify(node.const)
  const variants = node.anyOf ?? node.oneOf
  if (variants) return variants.map((variant) => typeOf(variant, texts)).join(' | ')
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : []
  const base =
    types.length === 0
      ? 'any'
      : types
          .map((type) => (type === 'array' ? `${node.items ? typeOf(node.items, texts) : 'any'}[]` : type))
          .join(' | ')
  return `${base}${node.format ? ` (${node.format})` : ''}${bounds(node, texts)}`
}

function bounds(node: SchemaNode, texts: Texts): string {
  const parts = [
    node.minimum !== undefined && `≥ ${node.minimum}`,
    node.maximum !== undefined && `≤ ${node.maximum}`,
    node.minLength !== undefined && `${texts.length} ≥ ${node.minLength}`,
    node.maxLength !== undefined && `${texts.length} ≤ ${node.maxLength}`,
  ].filter(Boolean)
  return parts.length > 0 ? `, ${parts.join(', ')}` : ''
}

function code(text: string): string {
  return `\`${cell(text)}\``
}

/** Text safe in a table cell: no line breaks, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')
}
