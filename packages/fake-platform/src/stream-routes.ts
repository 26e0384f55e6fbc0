import { errorBody, isRecord } from './http-util.js'
import { randomHex } from './ids.js'
import { fail, route, type RestContext, type Route, type RouteRequest, type RouteResult } from './route-kit.js'
import type { RecordedStream } from './stream-log.js'
import { rfc3339 } from './time.js'

/** The platform's advice, enforced: frames of one stream at least this far apart. */
export const MIN_STREAM_FRAME_INTERVAL_MS = 300
/** A stream must answer a message younger than this, stricter than the 60 min C2C reply window. */
export const STREAM_WINDOW_MS = 5 * 60_000

/** Codes of refusals. No stream-specific codes are known, so malformed frames get the generic 40011000. */
const INVALID_REQUEST = 40011000
const MSG_SEQ_DUPLICATE = 40054005
const MESSAGE_LIMIT_EXCEEDED = 22009
const EMPTY_MESSAGE = 50006
/** `input_notify` missing or invalid. */
const INPUT_TYPE_ERROR = 50059

const invalid = (req: RouteRequest, message: string): RouteResult => fail(req, 400, INVALID_REQUEST, message)
const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value)

/**
 * `POST /v2/users/{openid}/stream_messages`, enforcing what the platform is reported to require: `msg_id`
 * (HTTP 500 without it, like the live server), a valid reference under 5 min old, `input_mode: "replace"`,
 * one fresh `msg_seq` per stream repeated on every frame, `index` up by one from the configured base,
 * `stream_msg_id` naming this stream on every frame after the first, frames at least 300 ms apart, and
 * exactly one final frame with nothing after it.
 */
function streamMessage(req: RouteRequest, [target = '']: string[], ctx: RestContext): RouteResult {
  if (!isRecord(req.body)) return invalid(req, 'invalid request body: expected a JSON object')
  const body = req.body
  if (typeof body.msg_id !== 'string' || body.msg_id === '')
    return fail(req, 500, 500, 'internal error (msg_id is required: a stream answers an inbound message)')
  const refused = ctx.references.check('c2c', target, body, { ms: STREAM_WINDOW_MS, what: 'streams' })
  if (refused) return fail(req, refused.status, refused.code, refused.message)
  const malformed = frameProblem(body)
  if (malformed) return invalid(req, malformed)
  const text = body.content_raw as string
  if (text === '') return fail(req, 400, EMPTY_MESSAGE, 'content_raw is empty: every frame carries the text so far')
  const frame = { index: body.index as number, state: body.input_state as number, text, at: ctx.now() }
  if (body.stream_msg_id === undefined) return openStream(req, target, body, frame, ctx)
  const stream = typeof body.stream_msg_id === 'string' ? ctx.streams.get(body.stream_msg_id) : undefined
  if (!stream || stream.target !== target || stream.form === 'stream-field')
    return invalid(req, `stream_msg_id ${JSON.stringify(body.stream_msg_id)} names no stream of user ${target}`)
  const problem = continuationProblem(stream, body, frame.at)
  if (problem) return invalid(req, problem)
  ctx.streams.addFrame(stream, frame)
  if (stream.finished) recordFinal(stream, body, ctx)
  return { status: 200, body: { id: stream.id, timestamp: rfc3339() } }
}

/** What is wrong with the shape of a frame, whatever stream it belongs to. */
function frameProblem(body: Record<string, unknown>): string | undefined {
  if (body.input_mode !== 'replace') return `input_mode must be "replace"; got ${JSON.stringify(body.input_mode)}`
  if (body.input_state !== 1 && body.input_state !== 10)
    return `input_state must be 1 (generating) or 10 (finished); got ${JSON.stringify(body.input_state)}`
  if (typeof body.content_raw !== 'string') return 'content_raw must be a string: the whole text so far'
  if (!isInt(body.msg_seq) || body.msg_seq < 1)
    return `msg_seq must be a positive integer; got ${JSON.stringify(body.msg_seq)}`
  if (!isInt(body.index)) return `index must be an integer; got ${JSON.stringify(body.index)}`
  return undefined
}

function openStream(
  req: RouteRequest,
  target: string,
  body: Record<string, unknown>,
  frame: RecordedStream['frames'][number],
  ctx: RestContext,
): RouteResult {
  if (frame.index !== ctx.streamIndexBase)
    return invalid(req, `the first frame of a stream has index ${ctx.streamIndexBase}; got ${frame.index}`)
  const claim = ctx.messages.claimV2('c2c', target, body, ctx.replyBudget.c2c)
  if (claim === 'duplicate') {
    const message = `msg_seq ${String(body.msg_seq)} was already used for msg_id ${String(body.msg_id)}: each stream needs a fresh msg_seq`
    return { status: 400, body: errorBody(req.traceId, MSG_SEQ_DUPLICATE, message) }
  }
  if (claim === 'over-budget')
    return { status: 400, body: errorBody(req.traceId, MESSAGE_LIMIT_EXCEEDED, 'msg limit exceed') }
  const stream: RecordedStream = {
    target,
    id: ctx.messages.newId('c2c'),
    msgId: body.msg_id as string,
    msgSeq: body.msg_seq as number,
    frames: [],
    finished: false,
    finalText: undefined,
  }
  ctx.streams.open(stream)
  ctx.streams.addFrame(stream, frame)
  if (stream.finished) recordFinal(stream, body, ctx)
  return { status: 200, body: { id: stream.id, timestamp: rfc3339() } }
}

/** What is wrong with a frame after the first of `stream`. */
function continuationProblem(stream: RecordedStream, body: Record<string, unknown>, at: number): string | undefined {
  if (stream.finished) return `stream ${stream.id} is already finished: its final frame (input_state 10) was accepted`
  if (body.msg_id !== stream.msgId)
    return `every frame of stream ${stream.id} answers msg_id ${stream.msgId}; got ${String(body.msg_id)}`
  if (body.msg_seq !== stream.msgSeq)
    return `every frame of stream ${stream.id} carries msg_seq ${stream.msgSeq}; got ${String(body.msg_seq)}`
  const last = stream.frames.at(-1)!
  if (body.index !== last.index + 1)
    return `index must be ${last.index + 1} (one more than the last frame); got ${String(body.index)}`
  const gap = at - last.at
  if (gap < MIN_STREAM_FRAME_INTERVAL_MS)
    return `frames of one stream must be at least ${MIN_STREAM_FRAME_INTERVAL_MS} ms apart; this one came ${gap} ms after the last`
  return undefined
}

/** A finished stream is a message the user received: stored and recorded like any sent message. */
function recordFinal(stream: RecordedStream, body: Record<string, unknown>, ctx: RestContext): void {
  ctx.messages.store({
    scene: 'c2c',
    target: stream.target,
    id: stream.id,
    timestamp: rfc3339(),
    sentAt: ctx.now(),
    body,
  })
  ctx.recorder.recordSent({ scene: 'c2c', target: stream.target, body, id: stream.id })
}

/**
 * A C2C typing indicator (`msg_type: 6`), already known to be a valid passive reference: checks
 * `input_notify` (50059 when missing or invalid) and spends a `msg_seq` and a reply of the budget.
 */
export function sendInputNotify(target: string, req: RouteRequest, ctx: RestContext): RouteResult {
  const body = isRecord(req.body) ? req.body : {}
  const notify = body.input_notify
  const inputType = isRecord(notify) ? notify.input_type : undefined
  const seconds = isRecord(notify) ? notify.input_second : undefined
  const valid =
    isInt(inputType) &&
    inputType >= 1 &&
    inputType <= 5 &&
    (seconds === undefined || (isInt(seconds) && seconds >= 1 && seconds <= 60))
  if (!valid)
    return fail(req, 400, INPUT_TYPE_ERROR, 'input type err (input_notify needs input_type 1–5 and input_second 1–60)')
  const claim = ctx.messages.claimV2('c2c', target, body, ctx.replyBudget.c2c)
  if (claim === 'duplicate')
    return { status: 400, body: errorBody(req.traceId, MSG_SEQ_DUPLICATE, '消息被去重，请检查请求msgseq') }
  if (claim === 'over-budget')
    return { status: 400, body: errorBody(req.traceId, MESSAGE_LIMIT_EXCEEDED, 'msg limit exceed') }
  ctx.streams.addTyping({
    target,
    msgId: String(body.msg_id ?? body.event_id),
    msgSeq: isInt(body.msg_seq) ? body.msg_seq : 1,
    inputType: inputType as number,
    seconds: seconds as number | undefined,
    at: ctx.now(),
  })
  return { status: 200, body: { timestamp: rfc3339(), ext_info: { ref_idx: `REFIDX_${randomHex(8)}` } } }
}

/** Whether a C2C send is a typing indicator rather than a message. */
export function isInputNotify(body: unknown): boolean {
  return isRecord(body) && body.msg_type === 6
}

/** The stream routes, spread into the REST route table. */
export const STREAM_ROUTES: Route[] = [route('POST', '/v2/users/:p/stream_messages', streamMessage)]
