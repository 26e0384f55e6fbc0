import { QQBotError } from '../errors/qqbot-error.js'

/**
 * A keyboard that breaks one of the platform's rules, refused while it is built (before any send): which
 * row and button, and which rule. Positions count from 1, as a reader of the keyboard would.
 */
export class KeyboardInvalidError extends QQBotError {
  /** 1-based row of the offending button, when the rule is about one row or button. */
  readonly row: number | undefined
  /** 1-based position of the offending button in its row, when the rule is about one button. */
  readonly button: number | undefined

  constructor(rule: string, where: { row?: number; button?: number; label?: string } = {}) {
    const place =
      where.row === undefined
        ? 'Keyboard'
        : where.button === undefined
          ? `Keyboard row ${where.row}`
          : `Keyboard row ${where.row}, button ${where.button}${where.label ? ` (${JSON.stringify(where.label)})` : ''}`
    super('KEYBOARD_INVALID', `${place}: ${rule}`)
    this.row = where.row
    this.button = where.button
  }
}

/** A markdown body the platform would refuse: empty content, a template without an id, a bad parameter. */
export class MarkdownInvalidError extends QQBotError {
  constructor(rule: string) {
    super('MARKDOWN_INVALID', `Markdown: ${rule}`)
  }
}
