import { MessageType, type StreamMessageResult } from '../rest/api-types.js'
import type { CallOptions, OpenApi } from '../rest/open-api.js'
import type { StreamFieldMode, StreamWireForm } from './stream-options.js'

/** One frame as the stream sees it; the wire turns it into the body of its form. */
export interface StreamFrame {
  /** The whole text so far (replace mode). */
  text: string
  index: number
  /** The last frame (`input_state` / `stream.state` 10). */
  final: boolean
  /** The id the first frame was answered with; `undefined` on the first frame. */
  streamMsgId: string | undefined
}

/** Sends the frames of one C2C stream: one inbound message, one `msg_seq`. */
export interface StreamWire {
  send(frame: StreamFrame): Promise<StreamMessageResult>
}

/** Where a stream goes: the user, the message it answers and the `msg_seq` all its frames share. */
export interface StreamAddress {
  openid: string
  msgId: string
  msgSeq: number
}

/**
 * Frames are not retried by the REST client: a lost intermediate frame is replaced by the next (it carries
 * the whole text), and a resent frame whose first attempt did land would repeat its `index`.
 */
const FRAME_CALL: CallOptions = { retries: 0 }

/**
 * The wire for `form`: the `stream_messages` endpoint, or the older `stream` field of the message endpoint, whose
 * frames carry the whole text (`fieldMode: 'replace'`) or only what was added (`'append'`).
 */
export function streamWire(
  form: StreamWireForm,
  api: OpenApi,
  to: StreamAddress,
  fieldMode: StreamFieldMode = 'replace',
): StreamWire {
  if (form === 'stream-field') {
    const toBody = fieldMode === 'append' ? appendingBodies(to) : (frame: StreamFrame) => streamFieldBody(to, frame)
    return { send: (frame) => api.sendC2CMessage(to.openid, toBody(frame), FRAME_CALL) }
  }
  return {
    send: (frame) =>
      api.sendC2CStreamMessage(
        to.openid,
        {
          input_mode: 'replace',
          input_state: frame.final ? 10 : 1,
          content_type: 'markdown',
          content_raw: frame.text,
          msg_id: to.msgId,
          msg_seq: to.msgSeq,
          index: frame.index,
          ...(frame.streamMsgId === undefined ? {} : { stream_msg_id: frame.streamMsgId }),
        },
        FRAME_CALL,
      ),
  }
}

/** The older form: a text message carrying `stream: {state, index, id?}` (docs/protocol.md, streamed messages). */
export function streamFieldBody(to: StreamAddress, frame: StreamFrame): Record<string, unknown> {
  return {
    msg_type: MessageType.TEXT,
    content: frame.text,
    msg_id: to.msgId,
    msg_seq: to.msgSeq,
    stream: {
      state: frame.final ? 10 : 1,
      index: frame.index,
      ...(frame.streamMsgId === undefined ? {} : { id: frame.streamMsgId }),
    },
  }
}

/**
 * Bodies for a platform that appends each frame's `content` to the text: a frame sends what was added since the
 * last frame the platform took. When the text changed otherwise, the frame sets `reset` (the platform then
 * replaces the text) and its `index` restarts at 0, the later ones counting on from there.
 */
function appendingBodies(to: StreamAddress): (frame: StreamFrame) => Record<string, unknown> {
  let shown = ''
  let offset = 0
  return (frame) => {
    const first = frame.streamMsgId === undefined
    const extends_ = first || frame.text.startsWith(shown)
    if (!extends_) offset = frame.index
    const body = streamFieldBody(to, {
      ...frame,
      text: extends_ && !first ? frame.text.slice(shown.length) : frame.text,
      index: frame.index - offset,
    })
    if (!extends_) (body.stream as Record<string, unknown>).reset = true
    // The frame counts as shown once built: a refused frame is not retried, and the next carries the rest.
    shown = frame.text
    return body
  }
}

/**
 * A typing indicator, `msg_type: 6`: `input_type` 1 shows "typing…" for `seconds` (1–60), 2 takes it down. It
 * takes a `msg_seq` of its own.
 */
export function sendTyping(
  api: OpenApi,
  to: StreamAddress,
  inputType: number,
  seconds: number | undefined,
): Promise<unknown> {
  return api.sendC2CMessage(
    to.openid,
    {
      msg_type: MessageType.INPUT_NOTIFY,
      input_notify: { input_type: inputType, ...(seconds === undefined ? {} : { input_second: seconds }) },
      msg_id: to.msgId,
      msg_seq: to.msgSeq,
    },
    { retries: 0 },
  )
}
