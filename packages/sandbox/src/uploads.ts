import type { RecordedCall } from '@qqbot/fake-platform'
import type { UploadedMedia } from './reply-view.js'

const MAX_TRACKED = 1_000
const FILES_PATH = /^\/v2\/(?:groups|users)\/[^/]+\/files$/
const PREPARE_PATH = /^\/v2\/(?:groups|users)\/[^/]+\/upload_prepare$/

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

/**
 * What the bot uploaded, by `file_info`, so a group/C2C media message shows its kind, name and size: from the
 * one-shot `POST …/files` (`url` or `file_data`, `file_name`) or a chunked upload (`upload_prepare` gives the name
 * and size, the completing `…/files` with `upload_id` the `file_info`).
 */
export class UploadRecords {
  private readonly byFileInfo = new Map<string, UploadedMedia>()
  private readonly prepared = new Map<string, UploadedMedia>()

  get(fileInfo: string): UploadedMedia | undefined {
    return this.byFileInfo.get(fileInfo)
  }

  onCall(call: RecordedCall): void {
    if (call.method !== 'POST' || call.status !== 200) return
    const body = record(call.body)
    const response = record(call.response)
    if (PREPARE_PATH.test(call.path) && typeof response.upload_id === 'string') {
      remember(this.prepared, response.upload_id, describe(body))
    } else if (FILES_PATH.test(call.path) && typeof response.file_info === 'string') {
      const upload =
        typeof body.upload_id === 'string' ? (this.prepared.get(body.upload_id) ?? describe(body)) : describe(body)
      remember(this.byFileInfo, response.file_info, upload)
    }
  }
}

function describe(body: Record<string, unknown>): UploadedMedia {
  const upload: UploadedMedia = { fileType: typeof body.file_type === 'number' ? body.file_type : 0 }
  if (typeof body.url === 'string') upload.url = body.url
  const name = typeof body.file_name === 'string' && body.file_name !== '' ? body.file_name : nameOf(upload.url)
  if (name !== undefined) upload.name = name
  const size = Number(body.file_size)
  if (typeof body.file_data === 'string') upload.bytes = Buffer.byteLength(body.file_data, 'base64')
  else if (Number.isFinite(size) && size >= 0 && body.file_size !== undefined) upload.bytes = size
  return upload
}

function nameOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    const last = new URL(url).pathname.split('/').at(-1)
    return last ? decodeURIComponent(last) : undefined
  } catch {
    return undefined
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value)
  if (map.size > MAX_TRACKED) map.delete(map.keys().next().value!)
}
