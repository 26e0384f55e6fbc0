import type { ReferenceRefusal } from './reply-references.js'
import type { Scene } from './records.js'

/** What {@link MarkdownRules.refuse} turns away, and with which code. */
export interface MarkdownRefusalOptions {
  /** Refuse only markdown or only keyboards; default both. */
  only?: 'markdown' | 'keyboard'
  /**
   * The code to answer with. Default by what was sent: native markdown 40034012, a markdown template 304036,
   * a custom keyboard 304057, a keyboard template 304037.
   */
  code?: number
}

const NATIVE_MARKDOWN_REFUSED = 40034012
const TEMPLATE_MARKDOWN_REFUSED = 304036
const CUSTOM_KEYBOARD_REFUSED = 304057
const TEMPLATE_KEYBOARD_REFUSED = 304037
const KEYBOARD_CONTENT_INVALID = 304040
const MARKDOWN_BOTH_FORMS = 50057

const MESSAGES: Record<number, string> = {
  [NATIVE_MARKDOWN_REFUSED]: '不允许发送原生 markdown',
  [TEMPLATE_MARKDOWN_REFUSED]: 'no markdown template permission',
  [CUSTOM_KEYBOARD_REFUSED]: 'not allowd custom keyborad',
  [TEMPLATE_KEYBOARD_REFUSED]: 'no permission to use this keyboard template',
}

type Body = Record<string, unknown>
const isRecord = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The platform's rules on markdown and keyboards: a custom keyboard must have the documented shape (at most
 * 5 rows of 1–5 buttons, each with a label, a numeric `action.type` and `action.permission.type`, and data),
 * else 304040; markdown is native or a template, never both (50057). Per scene, a test can make the platform
 * refuse markdown and keyboards as it does for bots without the permission.
 */
export class MarkdownRules {
  private readonly refused = new Map<Scene, MarkdownRefusalOptions>()

  /** From now on, sends to `scene` with markdown and/or a keyboard are refused (see {@link MarkdownRefusalOptions}). */
  refuse(scene: Scene, options: MarkdownRefusalOptions = {}): void {
    this.refused.set(scene, { ...options })
  }

  /** Undoes {@link refuse} for `scene` (every scene when none is named). */
  allow(scene?: Scene): void {
    if (scene === undefined) this.refused.clear()
    else this.refused.delete(scene)
  }

  /** Why the platform refuses this send's markdown or keyboard, or `undefined` when it accepts them. */
  check(scene: Scene, body: unknown): ReferenceRefusal | undefined {
    if (!isRecord(body)) return undefined
    const markdown = isRecord(body.markdown) ? body.markdown : undefined
    const keyboard = isRecord(body.keyboard) ? body.keyboard : undefined
    if (markdown && markdown.content !== undefined && markdown.custom_template_id !== undefined)
      return refusal(MARKDOWN_BOTH_FORMS, 'markdown content and custom_template_id are mutually exclusive')
    const shape = keyboard && isRecord(keyboard.content) ? keyboardShapeProblem(keyboard.content) : undefined
    if (shape) return refusal(KEYBOARD_CONTENT_INVALID, `keyboard content invalid: ${shape}`)
    const rule = this.refused.get(scene)
    if (!rule) return undefined
    if (markdown && rule.only !== 'keyboard') {
      const code =
        rule.code ?? (markdown.custom_template_id !== undefined ? TEMPLATE_MARKDOWN_REFUSED : NATIVE_MARKDOWN_REFUSED)
      return refusal(code, MESSAGES[code] ?? 'markdown not allowed')
    }
    if (keyboard && rule.only !== 'markdown') {
      const code = rule.code ?? (keyboard.id !== undefined ? TEMPLATE_KEYBOARD_REFUSED : CUSTOM_KEYBOARD_REFUSED)
      return refusal(code, MESSAGES[code] ?? 'keyboard not allowed')
    }
    return undefined
  }
}

function refusal(code: number, message: string): ReferenceRefusal {
  return { status: 400, code, message }
}

/** What is wrong with a custom keyboard's `content`, or `undefined` when it has the documented shape. */
function keyboardShapeProblem(content: Body): string | undefined {
  const rows = content.rows
  if (!Array.isArray(rows) || rows.length === 0) return 'rows must be a non-empty array'
  if (rows.length > 5) return `${rows.length} rows; at most 5`
  for (const [r, row] of rows.entries()) {
    const buttons = isRecord(row) ? row.buttons : undefined
    if (!Array.isArray(buttons) || buttons.length === 0) return `row ${r + 1} has no buttons`
    if (buttons.length > 5) return `row ${r + 1} has ${buttons.length} buttons; at most 5`
    for (const [b, button] of buttons.entries()) {
      const problem = buttonProblem(button)
      if (problem) return `row ${r + 1} button ${b + 1}: ${problem}`
    }
  }
  return undefined
}

function buttonProblem(button: unknown): string | undefined {
  if (!isRecord(button)) return 'not an object'
  const render = isRecord(button.render_data) ? button.render_data : {}
  const action = isRecord(button.action) ? button.action : {}
  const permission = isRecord(action.permission) ? action.permission : {}
  if (typeof render.label !== 'string' || render.label === '') return 'render_data.label is missing'
  if (typeof action.type !== 'number') return 'action.type is missing (type 0 must be sent too)'
  if (typeof permission.type !== 'number') return 'action.permission.type is missing (type 0 must be sent too)'
  if (typeof action.data !== 'string') return 'action.data is missing'
  return undefined
}
