import {
  RecallTargetMissingError,
  replyTargetOf,
  type DispatchedEvent,
  type SendResult,
  type SentMessage,
} from '@qqbot/core'

/** What a context's `recall()` takes: a message id in the event's chat, what a reply resolved with, or a message. */
export type RecallTarget = string | SendResult | SentMessage

/** `target` as the core's `recall()` takes it: a bare id names a message in the chat `event` came from. */
export function recallTargetIn(event: DispatchedEvent, target: RecallTarget): SendResult | SentMessage {
  if (typeof target !== 'string') return target
  const chat = replyTargetOf(event)
  if (!chat) throw new RecallTargetMissingError(`${event.name} names no chat to find message ${target} in`)
  return { scene: chat.scene, targetId: chat.targetId, id: target }
}
