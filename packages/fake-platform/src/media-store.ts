import { createHash } from 'node:crypto'
import { randomHex, uniqueId } from './ids.js'
import { KIND_OF_FILE_TYPE, type FakeMediaKind, type ResolvedMediaOptions } from './media-options.js'
import { refusal, voiceRefusal, type DeclaredFile, type MediaRefusal } from './media-validation.js'

/** The scenes that upload media. */
export type UploadScene = 'group' | 'c2c'

/** One part of an upload session. */
interface PartSlot {
  index: number
  offset: number
  size: number
  sign: string
  bytes: Buffer | undefined
  finished: boolean
}

interface UploadSession {
  id: string
  scene: UploadScene
  target: string
  file: DeclaredFile
  parts: PartSlot[]
  /** The platform already held the file: no parts to upload. */
  instant: boolean
}

/** A `file_info` answer. */
export interface FileAnswer {
  file_uuid: string
  file_info: string
  ttl: number
}

/** Counters a test asserts on. */
export interface MediaStats {
  /** `upload_prepare` calls accepted (instant ones included). */
  prepared: number
  /** Prepares answered without parts because the platform already had the file. */
  instant: number
  /** Chunked uploads completed (instant ones included). */
  completed: number
  /** One-shot `/files` uploads accepted (URL and `file_data`). */
  oneShot: number
  /** Part PUTs stored. */
  partsStored: number
  /** Part PUTs being received or answered right now. */
  partsInFlight: number
  /** The most part PUTs in flight at once. */
  peakPartsInFlight: number
  /** `upload_part_finish` calls answered 40093001. */
  partFinishBusy: number
}

/**
 * The platform's side of media uploads: upload sessions and their parts, the files it already holds (for
 * instant uploads), the daily quota and the size caps. Every rule a client can break answers as the
 * platform would, so a broken client fails its test.
 */
export class MediaStore {
  readonly stats: MediaStats = {
    prepared: 0,
    instant: 0,
    completed: 0,
    oneShot: 0,
    partsStored: 0,
    partsInFlight: 0,
    peakPartsInFlight: 0,
    partFinishBusy: 0,
  }

  private readonly sessions = new Map<string, UploadSession>()
  private readonly known = new Set<string>()
  /** Every `file_info` handed out, with the chat it was uploaded for. */
  private readonly issued = new Map<string, { scene: UploadScene; target: string }>()
  private busyLeft: number
  private putFailuresLeft: number
  private quotaDay = ''
  private quotaUsed = 0

  constructor(
    readonly options: ResolvedMediaOptions,
    private readonly baseUrl: () => string,
    private readonly now: () => number,
  ) {
    this.busyLeft = options.partFinishBusyCount
    this.putFailuresLeft = options.partPutFailures
  }

  /** The size cap of a `file_type`, or a refusal for an unknown one. */
  kindOf(fileType: unknown): FakeMediaKind | MediaRefusal {
    const kind = typeof fileType === 'number' ? KIND_OF_FILE_TYPE[fileType] : undefined
    return kind ?? refusal(400, 40011000, `file_type must be 1 (image), 2 (video), 3 (voice) or 4 (file)`)
  }

  /** A refusal when `size` bytes are over the cap of `kind`. */
  checkSize(kind: FakeMediaKind, size: number): MediaRefusal | undefined {
    const max = this.options.maxBytes[kind]
    return size > max ? refusal(400, 40011000, `file too large: a ${kind} may be at most ${max} bytes`) : undefined
  }

  /** `upload_prepare`: quota, instant upload, or a new session with presigned part URLs. */
  prepare(scene: UploadScene, target: string, file: DeclaredFile): Record<string, unknown> | MediaRefusal {
    const day = new Date(this.now()).toISOString().slice(0, 10)
    if (day !== this.quotaDay) {
      this.quotaDay = day
      this.quotaUsed = 0
    }
    if (this.quotaUsed >= this.options.dailyUploadQuota)
      return refusal(400, 40093002, 'upload daily limit exceeded (今日上传次数已达上限)')
    this.quotaUsed++
    this.stats.prepared++
    const id = uniqueId('up-')
    const instant = this.known.has(fileKey(file))
    const { blockSize, partIndexBase } = this.options
    const parts: PartSlot[] = []
    if (!instant) {
      for (let offset = 0, i = 0; offset < file.size; offset += blockSize, i++)
        parts.push({
          index: i + partIndexBase,
          offset,
          size: Math.min(blockSize, file.size - offset),
          sign: randomHex(8),
          bytes: undefined,
          finished: false,
        })
    } else this.stats.instant++
    this.sessions.set(id, { id, scene, target, file, parts, instant })
    const config = { concurrency: this.options.concurrency, retry_timeout: this.options.retryTimeoutSeconds }
    return {
      upload_id: id,
      block_size: blockSize,
      parts: parts.map((part, position) => ({
        index: part.index,
        presigned_url: `${this.baseUrl()}${PART_PATH_PREFIX}${id}/${position}?sign=${part.sign}`,
        block_size: part.size,
      })),
      ...(this.options.uploadConfigAt === 'nested' ? { upload_config: config } : config),
    }
  }

  /** The part server's view of a PUT: where it goes, or why it is refused. */
  partFor(uploadId: string, position: number, sign: string | null): { size: number } | MediaRefusal {
    const part = this.sessions.get(uploadId)?.parts[position]
    if (!part) return refusal(404, 404, 'NoSuchUpload: no such upload or part')
    if (sign !== part.sign) return refusal(403, 403, 'SignatureDoesNotMatch: the presigned URL was altered')
    return { size: part.size }
  }

  /** True for the first `partPutFailures` PUTs: the part server answers 503 instead of storing them. */
  takePutFailure(): boolean {
    if (this.putFailuresLeft <= 0) return false
    this.putFailuresLeft--
    return true
  }

  storePart(uploadId: string, position: number, bytes: Buffer): void {
    const part = this.sessions.get(uploadId)?.parts[position]
    if (!part) return
    part.bytes = bytes
    this.stats.partsStored++
  }

  /** `upload_part_finish`: the part arrived, with the md5 and size the client says. */
  finishPart(
    scene: UploadScene,
    target: string,
    body: Record<string, unknown>,
  ): Record<string, unknown> | MediaRefusal {
    const session = this.sessionFor(scene, target, body.upload_id)
    if ('status' in session) return session
    if (this.busyLeft > 0) {
      this.busyLeft--
      this.stats.partFinishBusy++
      return refusal(400, 40093001, 'part is still being processed, retry later')
    }
    const part = session.parts.find((slot) => String(slot.index) === String(body.part_index))
    if (!part) return refusal(400, 40011000, `part_index ${String(body.part_index)} is not a part of this upload`)
    if (!part.bytes) return refusal(400, 40011000, `part ${part.index} was not uploaded to its presigned_url`)
    if (Number(body.block_size) !== part.size)
      return refusal(400, 40011000, `block_size ${String(body.block_size)} is not part ${part.index}'s ${part.size}`)
    if (body.md5 !== md5(part.bytes)) return refusal(400, 40011000, `md5 of part ${part.index} does not match`)
    part.finished = true
    return {}
  }

  /** `/files {upload_id}`: every part finished and the whole file matching what prepare declared. */
  complete(scene: UploadScene, target: string, uploadId: unknown): FileAnswer | MediaRefusal {
    const session = this.sessionFor(scene, target, uploadId)
    if ('status' in session) return session
    if (!session.instant) {
      const missing = session.parts.filter((part) => !part.finished)
      if (missing.length > 0)
        return refusal(400, 40011000, `parts ${missing.map((part) => part.index).join(', ')} were not finished`)
      const whole = Buffer.concat(session.parts.map((part) => part.bytes!))
      const { file } = session
      const prefix = whole.subarray(0, Math.min(whole.length, this.options.md5PrefixBytes))
      if (whole.length !== file.size || md5(whole) !== file.md5 || sha1(whole) !== file.sha1)
        return refusal(400, 40011000, 'the uploaded parts do not add up to the declared file (size, md5 or sha1)')
      if (md5(prefix) !== file.md5Prefix)
        return refusal(400, 40011000, `md5_10m is not the md5 of the first ${this.options.md5PrefixBytes} bytes`)
      const notSilk = voiceRefusal(file.fileType, whole, this.options.voiceFormat)
      if (notSilk) return notSilk
      this.known.add(fileKey(file))
    }
    this.sessions.delete(session.id)
    this.stats.completed++
    return this.fileAnswer(scene, target, session.file.fileType)
  }

  /** A one-shot upload was accepted: remember bytes it carried for instant uploads. */
  acceptOneShot(scene: UploadScene, target: string, fileType: number, bytes: Buffer | undefined): FileAnswer {
    if (bytes) this.known.add(`${md5(bytes)}:${sha1(bytes)}:${bytes.length}`)
    this.stats.oneShot++
    return this.fileAnswer(scene, target, fileType)
  }

  /** Called by the part server around each PUT. */
  partStarted(): void {
    this.stats.partsInFlight++
    this.stats.peakPartsInFlight = Math.max(this.stats.peakPartsInFlight, this.stats.partsInFlight)
  }

  partEnded(): void {
    this.stats.partsInFlight--
  }

  /**
   * A refusal when a message's `media.file_info` was uploaded for another chat: a group upload is usable only
   * in that group, a user upload only in that C2C chat. A `file_info` this platform never issued is let
   * through, as tests send made-up ones.
   */
  foreignFileInfo(scene: UploadScene, target: string, body: Record<string, unknown>): MediaRefusal | undefined {
    const media = body.media
    const fileInfo =
      typeof media === 'object' && media !== null ? (media as { file_info?: unknown }).file_info : undefined
    const owner = typeof fileInfo === 'string' ? this.issued.get(fileInfo) : undefined
    if (!owner || (owner.scene === scene && owner.target === target)) return undefined
    return refusal(
      400,
      40011000,
      `this file_info was uploaded for ${owner.scene} ${owner.target}, not ${scene} ${target}`,
    )
  }

  private sessionFor(scene: UploadScene, target: string, uploadId: unknown): UploadSession | MediaRefusal {
    const session = typeof uploadId === 'string' ? this.sessions.get(uploadId) : undefined
    if (!session || session.scene !== scene || session.target !== target)
      return refusal(400, 40011000, `upload_id ${String(uploadId)} is not an open upload of this chat`)
    return session
  }

  private fileAnswer(scene: UploadScene, target: string, fileType: number): FileAnswer {
    const fileInfo = Buffer.from(`fake-file:${scene}:${target}:${fileType}:${uniqueId()}`).toString('base64')
    this.issued.set(fileInfo, { scene, target })
    return { file_uuid: randomHex(16), file_info: fileInfo, ttl: this.options.fileInfoTtlSeconds }
  }
}

/** Where presigned part URLs point: `/cos/<upload_id>/<position>` on the fake platform's own server. */
export const PART_PATH_PREFIX = '/cos/'

function fileKey(file: DeclaredFile): string {
  return `${file.md5}:${file.sha1}:${file.size}`
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex')
}

function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex')
}
