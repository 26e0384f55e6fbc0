import { isRecord } from './http-util.js'
import type { UploadScene } from './media-store.js'
import { declaredFile, isRefusal, voiceRefusal, type MediaRefusal } from './media-validation.js'
import { fail, route, type RestContext, type Route, type RouteRequest, type RouteResult } from './route-kit.js'
import { rfc3339 } from './time.js'

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function refused(req: RouteRequest, refusal: MediaRefusal): RouteResult {
  return fail(req, refusal.status, refusal.code, refusal.message)
}

/** `POST …/files`: completes a chunked upload (`{upload_id}`), or takes a URL or base64 bytes at once. */
function files(scene: UploadScene, target: string, req: RouteRequest, ctx: RestContext): RouteResult {
  if (!isRecord(req.body)) return fail(req, 400, 40011000, 'invalid request body')
  const body = req.body
  if (body.upload_id !== undefined) {
    const answer = ctx.media.complete(scene, target, body.upload_id)
    return isRefusal(answer) ? refused(req, answer) : { status: 200, body: answer }
  }
  const kind = ctx.media.kindOf(body.file_type)
  if (isRefusal(kind)) return refused(req, kind)
  const hasUrl = typeof body.url === 'string' && body.url !== ''
  const hasData = typeof body.file_data === 'string' && body.file_data !== ''
  if (hasUrl === hasData) return fail(req, 400, 40011000, 'exactly one of url and file_data is required')
  if (kind === 'file' && (typeof body.file_name !== 'string' || body.file_name === ''))
    return fail(req, 400, 40011000, 'file_name is required for file_type 4')
  let bytes: Buffer | undefined
  if (hasData) {
    const data = body.file_data as string
    if (data.length % 4 !== 0 || !BASE64.test(data)) return fail(req, 400, 40011000, 'file_data is not base64')
    bytes = Buffer.from(data, 'base64')
    if (bytes.length > ctx.media.options.oneShotMaxBytes)
      return fail(req, 413, 413, 'Request Entity Too Large: use the chunked upload (upload_prepare)')
    const tooLarge = ctx.media.checkSize(kind, bytes.length)
    if (tooLarge) return refused(req, tooLarge)
    const notSilk = voiceRefusal(body.file_type, bytes, ctx.media.options.voiceFormat)
    if (notSilk) return refused(req, notSilk)
  }
  const answer: Record<string, unknown> = { ...ctx.media.acceptOneShot(scene, target, body.file_type as number, bytes) }
  if (body.srv_send_msg === true) {
    const id = ctx.messages.newId(scene)
    ctx.messages.store({ scene, target, id, timestamp: rfc3339(), sentAt: ctx.now(), body })
    ctx.recorder.recordSent({ scene, target, body, id })
    answer.id = id
  }
  return { status: 200, body: answer }
}

function prepare(scene: UploadScene, target: string, req: RouteRequest, ctx: RestContext): RouteResult {
  if (!isRecord(req.body)) return fail(req, 400, 40011000, 'invalid request body')
  const kind = ctx.media.kindOf(req.body.file_type)
  if (isRefusal(kind)) return refused(req, kind)
  const file = declaredFile(req.body)
  if (isRefusal(file)) return refused(req, file)
  const tooLarge = ctx.media.checkSize(kind, file.size)
  if (tooLarge) return refused(req, tooLarge)
  const answer = ctx.media.prepare(scene, target, file)
  return isRefusal(answer) ? refused(req, answer) : { status: 200, body: answer }
}

function finishPart(scene: UploadScene, target: string, req: RouteRequest, ctx: RestContext): RouteResult {
  if (!isRecord(req.body)) return fail(req, 400, 40011000, 'invalid request body')
  const answer = ctx.media.finishPart(scene, target, req.body)
  return isRefusal(answer) ? refused(req, answer) : { status: 200, body: answer }
}

/** Media uploads for groups and C2C: one-shot and chunked (`upload_prepare`, `upload_part_finish`, `/files`). */
export const MEDIA_ROUTES: Route[] = [
  route('POST', '/v2/groups/:p/files', (req, [g = ''], ctx) => files('group', g, req, ctx)),
  route('POST', '/v2/users/:p/files', (req, [u = ''], ctx) => files('c2c', u, req, ctx)),
  route('POST', '/v2/groups/:p/upload_prepare', (req, [g = ''], ctx) => prepare('group', g, req, ctx)),
  route('POST', '/v2/users/:p/upload_prepare', (req, [u = ''], ctx) => prepare('c2c', u, req, ctx)),
  route('POST', '/v2/groups/:p/upload_part_finish', (req, [g = ''], ctx) => finishPart('group', g, req, ctx)),
  route('POST', '/v2/users/:p/upload_part_finish', (req, [u = ''], ctx) => finishPart('c2c', u, req, ctx)),
]
