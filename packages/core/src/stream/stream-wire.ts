import { MessageType, type StreamMessageResult } from '../rest/api-types.js'
import type { CallOptions, OpenApi } from '../rest/open-api.js'
import type { StreamWireForm } from './stream-options.js'

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

/** The wire for `form`: the `stream_messages` endpoint, or the older `stream` field of the message endpoint. */
export function streamWire(form: StreamWireForm, api: OpenApi, to: StreamAddress): StreamWire {
  if (form === 'stream-field') {
    return {
      send: (frame) => api.sendC2CMessage(to.openid, streamFieldBody(to, frame), FRAME_CALL),
    }
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
