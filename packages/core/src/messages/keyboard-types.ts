/** The wire shape of custom keyboards (docs/protocol.md, markdown and keyboards), as the builders produce it. */

/** `render_data.style`: 0 grey outline, 1 blue outline; 3 red text and 4 blue fill are known from one SDK. */
export type ButtonStyleCode = 0 | 1 | 3 | 4

/** `action.type`: 0 link, 1 callback (fires INTERACTION_CREATE), 2 command (puts `@bot data` in the input box). */
export type ButtonActionType = 0 | 1 | 2

/** `action.permission.type`: 0 listed users, 1 admins, 2 everyone, 3 listed roles (guilds only). */
export type ButtonPermissionType = 0 | 1 | 2 | 3

export interface KeyboardButtonPermission {
  type: ButtonPermissionType
  specify_user_ids?: string[]
  specify_role_ids?: string[]
}

export interface KeyboardButtonAction {
  type: ButtonActionType
  permission: KeyboardButtonPermission
  /** The URL (link), the callback data (callback, echoed as `button_data`) or the command text (command). */
  data: string
  /** Command buttons: quote the message when the command is sent. */
  reply?: boolean
  /** Command buttons: send the command at once instead of filling the input box. */
  enter?: boolean
  /** The toast a client that cannot perform the action shows. */
  unsupport_tips: string
}

export interface KeyboardButton {
  /** Unique within the keyboard. */
  id: string
  render_data: { label: string; visited_label: string; style: ButtonStyleCode }
  action: KeyboardButtonAction
}

export interface KeyboardRow {
  buttons: KeyboardButton[]
}

/** `keyboard` of a send body, custom form: `{ content: { rows } }`. */
export interface CustomKeyboard {
  content: { rows: KeyboardRow[] }
}
