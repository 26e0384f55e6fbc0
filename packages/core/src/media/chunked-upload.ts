import type { HttpTransport } from '../http/http-transport.js'
import { ApiError } from '../rest/api-error.js'
import type { MediaFileType, MediaInfo } from '../rest/api-types.js'
import type { CallOptions } from '../rest/open-api.js'
import { sleep } from '../util/sleep.js'
import type { ByteSource } from './byte-source.js'
import { PartUploadError, UploadAnswerError } from './media-errors.js'
import { md5Hex, type FileHashes } from './media-hasher.js'
import type { ResolvedMediaOptions } from './media-options.js'
import type { PartMeter } from './part-meter.js'
import {
  PART_STILL_PROCESSING,
  type PreparedUpload,
  type UploadEndpoints,
  type UploadPart,
  type UploadScene,
} from './upload-endpoints.js'

/** The platform's longest sensible `retry_timeout`; a larger one is cut to this. */
const MAX_PART_FINISH_TIMEOUT_MS = 10 * 60_000

/** What one chunked upload needs from the uploader. */
export interface ChunkedUploadDeps {
  endpoints: UploadEndpoints
  /** For the PUTs to presigned URLs (object storage): no QQ auth header goes there. */
  transport: HttpTransport
  options: ResolvedMediaOptions
  meter: PartMeter
  now: () => number
}

/** One file to upload in parts. */
export interface ChunkedUpload {
  scene: UploadScene
  targetId: string
  fileType: MediaFileType
  fileName: string
  source: ByteSource
  hashes: FileHashes
}

/** A part with the byte range it covers, from the parts' order in prepare's answer. */
interface PlannedPart {
  part: UploadPart
  offset: number
  size: number
}

/**
 * The chunked upload: `upload_prepare` → PUT each part to its presigned URL (at most `concurrency` at once,
 * each read from the source only when its turn comes) → `upload_part_finish` per part → `/files {upload_id}`.
 * A prepare answer without parts is an instant upload (the platform already holds the file) and completes at once.
 */
export async function uploadChunked(
  deps: ChunkedUploadDeps,
  upload: ChunkedUpload,
  call: CallOptions,
): Promise<MediaInfo> {
  const { endpoints, options } = deps
  const { scene, targetId, hashes } = upload
  const prepared = await endpoints.prepare(
    scene,
    targetId,
    {
      file_type: upload.fileType,
      file_name: upload.fileName,
      file_size: options.fileSizeAs === 'string' ? String(hashes.size) : hashes.size,
      md5: hashes.md5,
      sha1: hashes.sha1,
      md5_10m: hashes.md5_10m,
    },
    call,
  )
  if (prepared.parts.length > 0) await uploadParts(deps, upload, prepared, call)
  return endpoints.complete(scene, targetId, prepared.uploadId, call)
}

async function uploadParts(
  deps: ChunkedUploadDeps,
  upload: ChunkedUpload,
  prepared: PreparedUpload,
  call: CallOptions,
): Promise<void> {
  const plan = planParts(prepared, upload.source.size)
  const concurrency = Math.max(
    1,
    Math.min(prepared.concurrency ?? deps.options.partConcurrency, deps.options.maxPartConcurrency, plan.length),
  )
  const finishTimeoutMs = Math.min(
    prepared.retryTimeoutMs ?? deps.options.partFinishTimeoutMs,
    MAX_PART_FINISH_TIMEOUT_MS,
  )
  // The first failure stops the other workers: no new parts, and their retry waits end at once.
  const failure = new AbortController()
  let next = 0
  const worker = async (): Promise<void> => {
    while (!failure.signal.aborted && next < plan.length) {
      const planned = plan[next++]!
      try {
        const md5 = await putPart(deps, upload.source, planned, failure.signal)
        await finishPart(deps, upload, prepared.uploadId, planned, md5, finishTimeoutMs, call, failure.signal)
      } catch (error) {
        if (!failure.signal.aborted) failure.abort(error)
        return
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  if (failure.signal.aborted) throw failure.signal.reason
}

/** Byte ranges by array order: each part starts where the previous ended, whatever its `index` says. */
function planParts(prepared: PreparedUpload, fileSize: number): PlannedPart[] {
  let offset = 0
  return prepared.parts.map((part) => {
    const blockSize = part.blockSize ?? prepared.blockSize
    if (blockSize === undefined) throw new UploadAnswerError('upload_prepare', 'a block_size')
    const planned = { part, offset, size: Math.max(0, Math.min(blockSize, fileSize - offset)) }
    offset += planned.size
    return planned
  })
}

/** Reads one part, PUTs it (retrying network errors and 5xx), and returns its md5; its bytes are released before it returns. */
async function putPart(
  deps: ChunkedUploadDeps,
  source: ByteSource,
  planned: PlannedPart,
  stop: AbortSignal,
): Promise<string> {
  deps.meter.acquire(planned.size)
  try {
    const bytes = await source.read(planned.offset, planned.size)
    const md5 = md5Hex(bytes)
    const url = new URL(planned.part.presignedUrl)
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    for (let attempt = 0; ; attempt++) {
      let reason: string
      let cause: unknown
      try {
        const response = await deps.transport.send({
          origin: url.origin,
          path: url.pathname + url.search,
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          body,
          timeoutMs: deps.options.partTimeoutMs,
        })
        if (response.status >= 200 && response.status < 300) return md5
        reason = `HTTP ${response.status}${typeof response.body === 'string' ? ` ${response.body.slice(0, 200)}` : ''}`
        if (response.status < 500) throw new PartUploadError(planned.part.index, reason)
      } catch (error) {
        if (error instanceof PartUploadError) throw error
        reason = (error as Error)?.message ?? String(error)
        cause = error
      }
      if (attempt >= deps.options.partRetries) throw new PartUploadError(planned.part.index, reason, { cause })
      await sleep(250 * 2 ** attempt, stop)
    }
  } finally {
    deps.meter.release(planned.size)
  }
}

/** `upload_part_finish`, retried every `partFinishRetryDelayMs` while the platform answers 40093001, until the timeout. */
async function finishPart(
  deps: ChunkedUploadDeps,
  upload: ChunkedUpload,
  uploadId: string,
  planned: PlannedPart,
  md5: string,
  timeoutMs: number,
  call: CallOptions,
  stop: AbortSignal,
): Promise<void> {
  const giveUpAt = deps.now() + timeoutMs
  const body = { upload_id: uploadId, part_index: planned.part.index, block_size: planned.size, md5 }
  for (;;) {
    try {
      await deps.endpoints.finishPart(upload.scene, upload.targetId, body, call)
      return
    } catch (error) {
      const stillProcessing = error instanceof ApiError && error.is(PART_STILL_PROCESSING)
      if (!stillProcessing || deps.now() + deps.options.partFinishRetryDelayMs > giveUpAt) throw error
      await sleep(deps.options.partFinishRetryDelayMs, stop)
    }
  }
}
