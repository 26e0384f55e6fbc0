import { errorBody, isRecord } from './http-util.js'
import { fail, type RestContext, type RouteRequest, type RouteResult } from './route-kit.js'
import type { RecordedStream } from './stream-log.js'
import { rfc3339 } from './time.js'

/** How the older `stream` field is read; sources disagree on both (docs/fake-platform.md). */
export interface StreamFieldOptions {
  /** The `index` of a stream's first frame: 1 in GO and NB (default), 0 in one third-party report. */
  indexBase?: 0 | 1
  /**
   * What a frame's `content` is: `'replace'` (default: the whole text so far, as our client sends it) or
   * `'append'` (a piece added to the text, as one third-party report describes; `reset` replaces the text).
   */
  mode?: 'replace' | 'append'
}

export type ResolvedStreamFieldOptions = Required<StreamFieldOptions>

export function resolveStreamFieldOptions(options: StreamFieldOptions = {}): ResolvedStreamFieldOptions {
  return { indexBase: options.indexBase ?? 1, mode: options.mode ?? 'replace' }
}

const INVALID_REQUEST = 40011000
const MSG_SEQ_DUPLICATE = 40054005
const MESSAGE_LIMIT_EXCEEDED = 22009
/** 1 body generating, 10 body finished, 11 guide message generating, 20 guide message finished. */
const STATES: ReadonlySet<unknown> = new Set([1, 10, 11, 20])
const FINAL_STATES: ReadonlySet<unknown> = new Set([10, 20])

const invalid = (req: RouteRequest, message: string): RouteResult => fail(req, 400, INVALID_REQUEST, message)
const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value)

/** Whether a C2C send is a frame of the older stream form (a `stream` object on `/v2/users/{openid}/messages`). */
export function isStreamField(body: unknown): boolean {
  return isRecord(body) && body.stream !== undefined
}

/**
 * A frame of the older stream form, already known to be a valid passive reference (protocol-2026 §1B): `stream`
 * is `{state, index, id?, reset?}`; the first frame has no `id` and `index` = the configured base, takes a fresh
 * `msg_seq` of the budget and is answered with the id later frames must carry; later frames keep the `msg_id`
 * and `msg_seq`, count `index` up by one, and end with exactly one final frame (state 10 or 20). `reset`
 * (only while unfinished, with the `id`) restarts `index` at 0 and replaces the text.
 */
export function sendStreamField(target: string, req: RouteRequest, ctx: RestContext): RouteResult {
  const body = req.body as Record<string, unknown>
  const stream = body.stream
  if (!isRecord(stream)) return invalid(req, 'stream must be an object {state, index, id?, reset?}')
  if (!STATES.has(stream.state))
    return invalid(req, `stream.state must be 1, 10, 11 or 20; got ${JSON.stringify(stream.state)}`)
  if (!isInt(stream.index)) return invalid(req, `stream.index must be an integer; got ${JSON.stringify(stream.index)}`)
  if (stream.reset !== undefined && typeof stream.reset !== 'boolean')
    return invalid(req, 'stream.reset must be a boolean')
  const content = typeof body.content === 'string' ? body.content : typeof body.markdown === 'object' ? '' : undefined
  if (content === undefined) return invalid(req, 'a stream frame carries its text in content')
  const at = ctx.now()
  const final = FINAL_STATES.has(stream.state)
  const id = stream.id === undefined || stream.id === '' ? undefined : stream.id
  if (id === undefined) {
    if (stream.reset === true) return invalid(req, 'stream.reset needs the id of the stream it resets')
    return openFieldStream(
      req,
      target,
      body,
      { index: stream.index, state: stream.state as number, text: content, at },
      ctx,
    )
  }
  const recorded = typeof id === 'string' ? ctx.streams.get(id) : undefined
  if (!recorded || recorded.target !== target || recorded.form !== 'stream-field')
    return invalid(req, `stream.id ${JSON.stringify(id)} names no stream of user ${target}`)
  if (recorded.finished)
    return invalid(req, `stream ${recorded.id} is already finished: a reset or a frame after the final one is refused`)
  if (body.msg_id !== recorded.msgId || body.msg_seq !== recorded.msgSeq)
    return invalid(
      req,
      `every frame of stream ${recorded.id} carries msg_id ${recorded.msgId} and msg_seq ${recorded.msgSeq}`,
    )
  const reset = stream.reset === true
  const expected = reset ? 0 : recorded.frames.at(-1)!.index + 1
  if (stream.index !== expected)
    return invalid(
      req,
      `stream.index must be ${expected} (${reset ? 'a reset restarts at 0' : 'one more than the last frame'}); got ${stream.index}`,
    )
  const previous = recorded.frames.at(-1)!.text
  const text = ctx.streamField.mode === 'append' && !reset ? previous + content : content
  ctx.streams.addFrame(recorded, { index: stream.index, state: final ? 10 : 1, text, at })
  if (final) record(recorded, body, ctx)
  return { status: 200, body: { id: recorded.id, timestamp: rfc3339() } }
}

function openFieldStream(
  req: RouteRequest,
  target: string,
  body: Record<string, unknown>,
  frame: RecordedStream['frames'][number],
  ctx: RestContext,
): RouteResult {
  const base = ctx.streamField.indexBase
  if (frame.index !== base)
    return invalid(req, `the first frame of a stream has stream.index ${base}; got ${frame.index}`)
  const claim = ctx.messages.claimV2('c2c', target, body, ctx.replyBudget.c2c)
  if (claim === 'duplicate')
    return { status: 400, body: errorBody(req.traceId, MSG_SEQ_DUPLICATE, '消息被去重，请检查请求msgseq') }
  if (claim === 'over-budget')
    return { status: 400, body: errorBody(req.traceId, MESSAGE_LIMIT_EXCEEDED, 'msg limit exceed') }
  const stream: RecordedStream = {
    form: 'stream-field',
    target,
    id: ctx.messages.newId('c2c'),
    msgId: String(body.msg_id ?? body.event_id),
    msgSeq: isInt(body.msg_seq) ? body.msg_seq : 1,
    frames: [],
    finished: false,
    finalText: undefined,
  }
  const final = frame.state === 10 || frame.state === 20
  ctx.streams.open(stream)
  ctx.streams.addFrame(stream, { ...frame, state: final ? 10 : 1 })
  if (final) record(stream, body, ctx)
  return { status: 200, body: { id: stream.id, timestamp: rfc3339() } }
}

/** A finished stream is a message: stored (recallable) and recorded with its whole text as `content`. */
function record(stream: RecordedStream, body: Record<string, unknown>, ctx: RestContext): void {
  const sent = { ...body, content: stream.finalText }
  ctx.messages.store({
    scene: 'c2c',
    target: stream.target,
    id: stream.id,
    timestamp: rfc3339(),
    sentAt: ctx.now(),
    body: sent,
  })
  ctx.recorder.recordSent({ scene: 'c2c', target: stream.target, body: sent, id: stream.id })
}
