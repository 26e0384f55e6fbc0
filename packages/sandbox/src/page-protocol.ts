/**
 * The JSON messages between the page and the sandbox over the WebSocket at {@link SOCKET_PATH}.
 * Every message from the page is checked here; a bad one gets an `error` message back, never a crash.
 */
import { isScene, type Scene } from '@qqbot/core'

export const SOCKET_PATH = '/ws'
/** Longest message text the page may send (characters). */
export const MAX_TEXT_LENGTH = 4_000
/** Longest socket message the sandbox reads; larger ones get an error (and above 1 MiB the socket closes with 1009). */
export const MAX_MESSAGE_BYTES = 64 * 1024

/** The page sends a typed message as `user` in `scene`. */
export interface SendMessage {
  type: 'send'
  scene: Scene
  user: string
  text: string
}

/** The page clicked a callback button of a bot message. */
export interface ClickMessage {
  type: 'click'
  conversation: string
  messageId: string
  buttonId: string
  user: string
}

/** The page adds a user. */
export interface AddUserMessage {
  type: 'add-user'
  name: string
}

export type ClientMessage = SendMessage | ClickMessage | AddUserMessage

/** Stable codes of the errors the page can get back. */
export type ErrorCode =
  | 'message-too-large'
  | 'malformed-json'
  | 'invalid-message'
  | 'unknown-type'
  | 'unknown-scene'
  | 'unknown-user'
  | 'empty-text'
  | 'text-too-long'
  | 'unknown-conversation'
  | 'unknown-message'
  | 'unknown-button'
  | 'not-a-callback-button'
  | 'invalid-user-name'
  | 'user-exists'
  | 'too-many-users'

export interface ProtocolError {
  type: 'error'
  code: ErrorCode
  message: string
}

export function protocolError(code: ErrorCode, message: string): ProtocolError {
  return { type: 'error', code, message }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Parses and checks one socket message from the page. */
export function parseClientMessage(raw: string): ClientMessage | ProtocolError {
  if (Buffer.byteLength(raw) > MAX_MESSAGE_BYTES) {
    return protocolError(
      'message-too-large',
      `Socket messages may be at most ${MAX_MESSAGE_BYTES} bytes; this one has ${Buffer.byteLength(raw)}.`,
    )
  }
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return protocolError(
      'malformed-json',
      'The message is not valid JSON. Send an object like {"type":"send","scene":"group","user":"alice","text":"/roll"}.',
    )
  }
  if (!isRecord(value)) return protocolError('invalid-message', 'The message must be a JSON object with a "type".')
  const strings = (...keys: string[]): ProtocolError | undefined => {
    const bad = keys.filter((key) => typeof value[key] !== 'string')
    return bad.length === 0
      ? undefined
      : protocolError('invalid-message', `A "${String(value.type)}" message needs string fields: ${bad.join(', ')}.`)
  }
  switch (value.type) {
    case 'send': {
      const missing = strings('scene', 'user', 'text')
      if (missing) return missing
      const { scene, user, text } = value as Record<string, string>
      if (!isScene(scene))
        return protocolError('unknown-scene', `Unknown scene ${JSON.stringify(scene)}: use guild, dm, group or c2c.`)
      if (text!.trim() === '')
        return protocolError('empty-text', 'Type something before sending: the message is empty.')
      if (text!.length > MAX_TEXT_LENGTH)
        return protocolError(
          'text-too-long',
          `Messages may be at most ${MAX_TEXT_LENGTH} characters; this one has ${text!.length}.`,
        )
      return { type: 'send', scene, user: user!, text: text! }
    }
    case 'click': {
      const missing = strings('conversation', 'messageId', 'buttonId', 'user')
      if (missing) return missing
      const { conversation, messageId, buttonId, user } = value as Record<string, string>
      return { type: 'click', conversation: conversation!, messageId: messageId!, buttonId: buttonId!, user: user! }
    }
    case 'add-user': {
      const missing = strings('name')
      if (missing) return missing
      return { type: 'add-user', name: (value.name as string).trim() }
    }
    default:
      return protocolError(
        'unknown-type',
        `Unknown message type ${JSON.stringify(value.type)}: use send, click or add-user.`,
      )
  }
}
