import { interaction, type BuiltEvent } from './event-builders.js'
import type { SentMessage } from './records.js'

/** Which button of a message to click: its label (a string), or its label, data or id. */
export type ButtonSelector = string | { label?: string; data?: string; id?: string }

/** Who clicks, and the interaction's own fields. */
export interface ButtonClickInit {
  /**
   * The clicking user: the member openid in a group (default `'MEMBER_OPENID_0001'`), the guild user id in a
   * channel (default the seeded member). In C2C the clicker is the chat's user, so this must be left out or equal it.
   */
  by?: string
  /** Guild id of the channel (guild scene); default `'guild-1'`. */
  guildId?: string
  /** Interaction id (also the payload id); default a fresh unique id. */
  id?: string
  /** Click time in ms; default now. */
  timestamp?: number
}

/**
 * A message the bot sent: a {@link SentMessage} of the platform, or any record with its scene, target and body
 * (a test kit's sent reply); without an `id` the click names a fresh message id.
 */
export type ClickableMessage = Pick<SentMessage, 'scene' | 'target' | 'body'> & { id?: string }

interface WireButton {
  id?: unknown
  render_data?: { label?: unknown }
  action?: { type?: unknown; data?: unknown }
}

/**
 * The INTERACTION_CREATE a user's click on a callback button of `message` (one the bot sent: from
 * `platform.sent`, or a test kit's replies) makes: in the message's group, C2C chat or guild channel, with the button's data and id
 * and the message id. Deliver it like any built event (`platform.dispatchEvent`, a webhook, a test kit's
 * `deliver`). Throws when the message has no such button, or the button is not a callback button (a link or
 * command button sends no interaction).
 */
export function clickButton(message: ClickableMessage, which: ButtonSelector, init: ButtonClickInit = {}): BuiltEvent {
  const found = findButton(message, which)
  const type = found.action?.type
  const label = String(found.render_data?.label)
  if (type !== 1)
    throw new Error(
      `the button ${JSON.stringify(label)} is a ${type === 0 ? 'link' : type === 2 ? 'command' : `type ${String(type)}`} button: clicking it sends no interaction (only callback buttons, action.type 1, do)`,
    )
  const base = {
    buttonData: String(found.action?.data ?? ''),
    buttonId: typeof found.id === 'string' ? found.id : undefined,
    messageId: message.id,
    id: init.id,
    timestamp: init.timestamp,
  }
  switch (message.scene) {
    case 'group':
      return interaction({ ...base, scene: 'group', groupOpenid: message.target, memberOpenid: init.by })
    case 'c2c':
      if (init.by !== undefined && init.by !== message.target)
        throw new Error(`in C2C only the chat's user (${message.target}) can click; got by: ${init.by}`)
      return interaction({ ...base, scene: 'c2c', userOpenid: message.target })
    case 'guild':
      return interaction({ ...base, scene: 'guild', channelId: message.target, guildId: init.guildId, userId: init.by })
    case 'dm':
      throw new Error('button interactions in guild DMs are not documented; click in a group, C2C chat or channel')
  }
}

function findButton(message: ClickableMessage, which: ButtonSelector): WireButton {
  const rows = (message.body as { keyboard?: { content?: { rows?: { buttons?: WireButton[] }[] } } } | undefined)
    ?.keyboard?.content?.rows
  const buttons = (rows ?? []).flatMap((row) => row.buttons ?? [])
  const wanted = typeof which === 'string' ? { label: which } : which
  const found = buttons.find(
    (candidate) =>
      (wanted.label === undefined || candidate.render_data?.label === wanted.label) &&
      (wanted.data === undefined || candidate.action?.data === wanted.data) &&
      (wanted.id === undefined || candidate.id === wanted.id),
  )
  if (!found) {
    const labels = buttons.map((candidate) => JSON.stringify(candidate.render_data?.label)).join(', ')
    throw new Error(
      `the message${message.id ? ` ${message.id}` : ''} has no button ${JSON.stringify(wanted)}; ${buttons.length ? `its buttons: ${labels}` : 'it has no custom keyboard'}`,
    )
  }
  return found
}
