import type { KeyboardBody } from '@qqbot/core'

/**
 * One button of a custom message keyboard, in the platform's JSON shape. `action.type`: 0 opens a link,
 * 1 is a callback (the click arrives as INTERACTION_CREATE with `data`), 2 puts a command into the input box
 * (`enter: true` sends it at once). `permission.type` 2 lets everyone click.
 */
export interface KeyboardButton {
  id: string
  render_data: { label: string; visited_label: string; style: 0 | 1 }
  action: {
    type: 0 | 1 | 2
    permission: { type: 0 | 1 | 2 | 3 }
    data: string
    enter?: boolean
    unsupport_tips: string
  }
}

const UNSUPPORTED = 'Update QQ to use this button.'

/** A button whose click the bot receives as an INTERACTION_CREATE carrying `data`. */
export function callbackButton(id: string, label: string, data: string): KeyboardButton {
  return {
    id,
    render_data: { label, visited_label: label, style: 1 },
    action: { type: 1, permission: { type: 2 }, data, unsupport_tips: UNSUPPORTED },
  }
}

/** A button that sends `command` as the user's message (a command the bot answers like a typed one). */
export function commandButton(id: string, label: string, command: string): KeyboardButton {
  return {
    id,
    render_data: { label, visited_label: label, style: 0 },
    action: { type: 2, permission: { type: 2 }, data: command, enter: true, unsupport_tips: UNSUPPORTED },
  }
}

/** A keyboard of rows of buttons (the platform allows at most 5 rows of 5). */
export function keyboard(...rows: KeyboardButton[][]): KeyboardBody {
  return { content: { rows: rows.map((buttons) => ({ buttons })) } }
}
