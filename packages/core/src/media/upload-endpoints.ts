import { ApiError } from '../rest/api-error.js'
import type { MediaFileType, MediaInfo, MediaUpload } from '../rest/api-types.js'
import type { CallOptions, OpenApi } from '../rest/open-api.js'
import { UploadAnswerError, UploadQuotaExceededError } from './media-errors.js'

/** The scenes whose messages carry uploaded media (`file_info`); guild channels and DMs take image URLs. */
export type UploadScene = 'group' | 'c2c'

/** The platform's answer to `upload_prepare` before the daily quota: used up. */
export const UPLOAD_QUOTA_EXCEEDED = 40093002
/** `upload_part_finish` while the platform still processes the part: retry after a second. */
export const PART_STILL_PROCESSING = 40093001

/** The body of `upload_prepare`. Hashes are lowercase hex. */
export interface UploadPrepareBody {
  file_type: MediaFileType
  file_name: string
  file_size: number | string
  md5: string
  sha1: string
  md5_10m: string
}

/** One part to PUT: where, and its `index` exactly as the platform sent it (echoed back as `part_index`). */
export interface UploadPart {
  index: unknown
  presignedUrl: string
  /** This part's size when the platform names one; otherwise the upload's `blockSize`. */
  blockSize: number | undefined
}

/** `upload_prepare`'s answer, read leniently (strings or numbers; `upload_config` nested or top-level). */
export interface PreparedUpload {
  uploadId: string
  blockSize: number | undefined
  /** Empty when the platform already holds the file (an instant upload): complete at once. */
  parts: UploadPart[]
  concurrency: number | undefined
  retryTimeoutMs: number | undefined
}

const id = encodeURIComponent

/** The REST calls of media uploads for groups and C2C, one method per step. */
export class UploadEndpoints {
  constructor(private readonly api: OpenApi) {}

  /** `POST …/files` with a URL or base64 bytes: the one-shot upload. */
  oneShot(scene: UploadScene, targetId: string, upload: MediaUpload, call: CallOptions): Promise<MediaInfo> {
    const request =
      scene === 'group'
        ? this.api.uploadGroupMedia(targetId, upload, call)
        : this.api.uploadC2CMedia(targetId, upload, call)
    return request.then((answer) => readMediaInfo('/files', answer), mapQuota)
  }

  async prepare(
    scene: UploadScene,
    targetId: string,
    body: UploadPrepareBody,
    call: CallOptions,
  ): Promise<PreparedUpload> {
    const answer = await this.post(scene, targetId, 'upload_prepare', body, call).catch(mapQuota)
    return readPrepared(answer)
  }

  async finishPart(
    scene: UploadScene,
    targetId: string,
    body: { upload_id: string; part_index: unknown; block_size: number; md5: string },
    call: CallOptions,
  ): Promise<void> {
    await this.post(scene, targetId, 'upload_part_finish', body, call)
  }

  /** `POST …/files {upload_id}`: turns the uploaded parts (or an instant upload) into a `file_info`. */
  complete(scene: UploadScene, targetId: string, uploadId: string, call: CallOptions): Promise<MediaInfo> {
    return this.post(scene, targetId, 'files', { upload_id: uploadId }, call).then(
      (answer) => readMediaInfo('/files {upload_id}', answer),
      mapQuota,
    )
  }

  private post(scene: UploadScene, targetId: string, step: string, body: unknown, call: CallOptions): Promise<unknown> {
    const [base, template] =
      scene === 'group' ? ['/v2/groups', '/v2/groups/{group_openid}'] : ['/v2/users', '/v2/users/{openid}']
    return this.api.request({
      ...call,
      method: 'POST',
      path: `${base}/${id(targetId)}/${step}`,
      route: `POST ${template}/${step}`,
      body,
    })
  }
}

function mapQuota(error: unknown): never {
  if (error instanceof ApiError && error.is(UPLOAD_QUOTA_EXCEEDED)) throw new UploadQuotaExceededError(error)
  throw error
}

/** `{file_uuid, file_info, ttl}`: without a `file_info` string there is nothing to send. */
function readMediaInfo(step: string, answer: unknown): MediaInfo {
  if (!isRecord(answer) || typeof answer.file_info !== 'string' || answer.file_info === '')
    throw new UploadAnswerError(step, 'a file_info')
  return answer as unknown as MediaInfo
}

function readPrepared(answer: unknown): PreparedUpload {
  const body = isRecord(answer) ? answer : {}
  const uploadId =
    typeof body.upload_id === 'string' || typeof body.upload_id === 'number' ? String(body.upload_id) : ''
  if (uploadId === '') throw new UploadAnswerError('upload_prepare', 'an upload_id')
  const config = isRecord(body.upload_config) ? body.upload_config : {}
  const rawParts = Array.isArray(body.parts) ? body.parts : []
  const parts = rawParts.map((part: unknown): UploadPart => {
    const entry = isRecord(part) ? part : {}
    if (typeof entry.presigned_url !== 'string' || entry.presigned_url === '')
      throw new UploadAnswerError('upload_prepare', 'a presigned_url for every part')
    return { index: entry.index, presignedUrl: entry.presigned_url, blockSize: positiveNumber(entry.block_size) }
  })
  const retryTimeoutS = positiveNumber(config.retry_timeout) ?? positiveNumber(body.retry_timeout)
  return {
    uploadId,
    blockSize: positiveNumber(body.block_size),
    parts,
    concurrency: positiveNumber(config.concurrency) ?? positiveNumber(body.concurrency),
    retryTimeoutMs: retryTimeoutS === undefined ? undefined : retryTimeoutS * 1000,
  }
}

function positiveNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
