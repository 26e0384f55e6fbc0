import type {
  ButtonActionType,
  ButtonStyleCode,
  CustomKeyboard,
  KeyboardButton,
  KeyboardButtonPermission,
} from './keyboard-types.js'
import { KeyboardInvalidError } from './message-errors.js'

/**
 * The limits a keyboard is checked against when it is built. Rows and buttons per row are documented; no
 * source states a limit for labels, and the only stated limit on button data is the 128 characters of
 * `action_button.callback_data` (echoed as `button_data` like a callback button's), so callback data is held
 * to that and labels to a length no client shows on one button anyway. Lengths count characters (code points).
 */
export const KEYBOARD_LIMITS = Object.freeze({
  rows: 5,
  buttonsPerRow: 5,
  labelLength: 64,
  callbackDataLength: 128,
})

/** How a button looks: grey or blue outline (documented); red text and blue fill (one SDK only). */
export type ButtonStyle = 'grey' | 'blue' | 'red' | 'filled'

/** Who may click: everyone (the default), admins, listed users (openids / guild user ids), or guild roles. */
export type ButtonPermission = 'everyone' | 'admins' | { users: readonly string[] } | { roles: readonly string[] }

/** What every button kind accepts. */
export interface ButtonOptions {
  /** Default `'blue'`. */
  style?: ButtonStyle
  /** The label after a click; default the label. */
  visitedLabel?: string
  /** Default `'everyone'`. */
  permission?: ButtonPermission
  /** The button id, unique within the keyboard; default its position (`'1'`, `'2'`, … in reading order). */
  id?: string
  /** What a client that cannot perform the action shows; default "该版本暂不支持此按钮，请升级 QQ". */
  unsupportedTips?: string
}

/** Command buttons also choose whether the command is sent at once and whether it quotes the message. */
export interface CommandButtonOptions extends ButtonOptions {
  /** Send the command at once instead of filling the input box; default false. */
  enter?: boolean
  /** Quote this message when the command is sent; default false. */
  reply?: boolean
}

/** One button, as the `button.*` factories describe it; checked and serialised by {@link KeyboardBuilder}. */
export interface ButtonSpec {
  readonly label: string
  readonly kind: ButtonActionType
  readonly data: string
  readonly options: Readonly<CommandButtonOptions>
}

const STYLES: Record<ButtonStyle, ButtonStyleCode> = { grey: 0, blue: 1, red: 3, filled: 4 }
const DEFAULT_TIPS = '该版本暂不支持此按钮，请升级 QQ'
const KIND_NAMES = ['link', 'callback', 'command'] as const

/**
 * The three kinds of button: `button.callback('Roll d20', 'roll:20')` fires INTERACTION_CREATE with
 * `button_data` `'roll:20'`; `button.link('Docs', url)` opens a URL; `button.command('Help', '/help')` puts
 * `@bot /help` in the input box (`{ enter: true }` sends it).
 */
export const button = {
  callback: (label: string, data: string, options: ButtonOptions = {}): ButtonSpec => ({
    label,
    kind: 1,
    data,
    options,
  }),
  link: (label: string, url: string, options: ButtonOptions = {}): ButtonSpec => ({
    label,
    kind: 0,
    data: url,
    options,
  }),
  command: (label: string, command: string, options: CommandButtonOptions = {}): ButtonSpec => ({
    label,
    kind: 2,
    data: command,
    options,
  }),
}

/**
 * Builds a custom keyboard row by row and enforces the platform's rules as it goes, so a keyboard that would
 * be refused fails in the code that wrote it, with a {@link KeyboardInvalidError} naming the row, the button
 * and the rule. `build()` gives the wire form, with every `type` written out (0 included).
 * ```ts
 * const keys = keyboard()
 *   .row(button.callback('Roll d20', 'roll:20'), button.link('Docs', 'https://example.com/docs'))
 *   .build()
 * ```
 */
export class KeyboardBuilder {
  private readonly rows: KeyboardButton[][] = []
  private readonly ids = new Set<string>()

  /** Adds a row of 1 to 5 buttons (at most 5 rows). */
  row(...buttons: ButtonSpec[]): this {
    const row = this.rows.length + 1
    if (row > KEYBOARD_LIMITS.rows)
      throw new KeyboardInvalidError(`a keyboard has at most ${KEYBOARD_LIMITS.rows} rows; this is row ${row}.`, {
        row,
      })
    if (buttons.length === 0) throw new KeyboardInvalidError('a row needs at least one button.', { row })
    if (buttons.length > KEYBOARD_LIMITS.buttonsPerRow)
      throw new KeyboardInvalidError(
        `a row has at most ${KEYBOARD_LIMITS.buttonsPerRow} buttons; this one has ${buttons.length}. Split it into two rows.`,
        { row },
      )
    this.rows.push(buttons.map((spec, index) => this.serialise(spec, row, index + 1)))
    return this
  }

  /** The keyboard for a send body (`keyboard:`); it is sent with markdown (`msg_type` 2). */
  build(): CustomKeyboard {
    if (this.rows.length === 0) throw new KeyboardInvalidError('a keyboard needs at least one row of buttons.')
    let position = 0
    const rows = this.rows.map((buttons, rowIndex) => ({
      buttons: buttons.map((built, buttonIndex) => {
        position++
        if (built.id !== '') return built
        const id = String(position)
        if (this.ids.has(id))
          throw new KeyboardInvalidError(
            `its default id ${JSON.stringify(id)} (its position) is taken by another button's explicit id; give this one an id too.`,
            { row: rowIndex + 1, button: buttonIndex + 1, label: built.render_data.label },
          )
        return { ...built, id }
      }),
    }))
    return { content: { rows } }
  }

  private serialise(spec: ButtonSpec, row: number, index: number): KeyboardButton {
    const where = { row, button: index, label: spec.label }
    const fail = (rule: string) => new KeyboardInvalidError(rule, where)
    if (typeof spec.label !== 'string' || spec.label.trim() === '') throw fail('the label is empty.')
    if (length(spec.label) > KEYBOARD_LIMITS.labelLength)
      throw fail(`the label has ${length(spec.label)} characters; at most ${KEYBOARD_LIMITS.labelLength}.`)
    const { options } = spec
    if (options.visitedLabel !== undefined && options.visitedLabel.trim() === '')
      throw fail('visitedLabel is empty; leave it out to show the label.')
    checkData(spec, fail)
    const id = options.id ?? ''
    if (options.id !== undefined) {
      if (id.trim() === '') throw fail('the id is empty; leave it out to number the button by its position.')
      if (this.ids.has(id)) throw fail(`the id ${JSON.stringify(id)} is already used by another button.`)
      this.ids.add(id)
    }
    const built: KeyboardButton = {
      id,
      render_data: {
        label: spec.label,
        visited_label: options.visitedLabel ?? spec.label,
        style: STYLES[options.style ?? 'blue'],
      },
      action: {
        type: spec.kind,
        permission: permissionOf(options.permission ?? 'everyone', fail),
        data: spec.data,
        unsupport_tips: options.unsupportedTips ?? DEFAULT_TIPS,
      },
    }
    if (spec.kind === 2) {
      if (options.enter !== undefined) built.action.enter = options.enter
      if (options.reply !== undefined) built.action.reply = options.reply
    }
    return built
  }
}

/** Starts a keyboard: `keyboard().row(...).row(...).build()`. */
export function keyboard(): KeyboardBuilder {
  return new KeyboardBuilder()
}

function checkData(spec: ButtonSpec, fail: (rule: string) => KeyboardInvalidError): void {
  const kind = KIND_NAMES[spec.kind]
  if (typeof spec.data !== 'string' || spec.data === '') throw fail(`a ${kind} button needs its data; it is empty.`)
  if (spec.kind === 1 && length(spec.data) > KEYBOARD_LIMITS.callbackDataLength)
    throw fail(
      `the callback data has ${length(spec.data)} characters; at most ${KEYBOARD_LIMITS.callbackDataLength}. Keep an id in the data and the state on the bot.`,
    )
  if (spec.kind === 0 && !isAbsoluteUrl(spec.data))
    throw fail(`a link button needs an absolute URL (https://…); got ${JSON.stringify(spec.data)}.`)
}

function permissionOf(
  permission: ButtonPermission,
  fail: (rule: string) => KeyboardInvalidError,
): KeyboardButtonPermission {
  if (permission === 'everyone') return { type: 2 }
  if (permission === 'admins') return { type: 1 }
  if ('users' in permission) {
    if (permission.users.length === 0) throw fail('permission.users is empty: nobody could click the button.')
    return { type: 0, specify_user_ids: [...permission.users] }
  }
  if (permission.roles.length === 0) throw fail('permission.roles is empty: nobody could click the button.')
  return { type: 3, specify_role_ids: [...permission.roles] }
}

function isAbsoluteUrl(text: string): boolean {
  try {
    return new URL(text).protocol.length > 1
  } catch {
    return false
  }
}

function length(text: string): number {
  return [...text].length
}
