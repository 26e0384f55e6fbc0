import { QQBotError } from '../errors/qqbot-error.js'

/** A media source that cannot be uploaded as given: a bare path string, a missing file, two media in one reply. */
export class MediaSourceError extends QQBotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MEDIA_SOURCE_INVALID', message, options)
  }
}

/** The media is larger than the platform takes for its kind (the client option `media.maxBytes`); nothing was uploaded. */
export class MediaTooLargeError extends QQBotError {
  readonly kind: string
  readonly maxBytes: number

  constructor(kind: string, size: number | undefined, maxBytes: number) {
    super(
      'MEDIA_TOO_LARGE',
      `Cannot upload this ${kind}: it is ${size === undefined ? 'more than' : formatBytes(size) + ', over'} the ${formatBytes(maxBytes)} the platform takes for a ${kind}. ` +
        `Send a smaller ${kind} (compress or trim it), or a link in the text.`,
    )
    this.kind = kind
    this.maxBytes = maxBytes
  }
}

/** The platform refused `upload_prepare` with 40093002: the bot's daily upload quota is used up. Not retried. */
export class UploadQuotaExceededError extends QQBotError {
  constructor(cause: unknown) {
    super(
      'UPLOAD_QUOTA_EXCEEDED',
      'Cannot upload: the daily upload quota of this bot is used up (code 40093002). ' +
        'Send a link to the media instead, or queue the upload for tomorrow; retrying today fails the same way.',
      { cause },
    )
  }
}

/** A part of a chunked upload could not be stored at its presigned URL (object storage, not the QQ API). */
export class PartUploadError extends QQBotError {
  readonly partIndex: unknown

  constructor(partIndex: unknown, reason: string, options?: { cause?: unknown }) {
    super(
      'MEDIA_PART_UPLOAD_FAILED',
      `Upload of part ${String(partIndex)} to its presigned URL failed: ${reason}. ` +
        'The chunked upload was abandoned; try again later, or send a smaller file.',
      options,
    )
    this.partIndex = partIndex
  }
}

/** The platform answered an upload step with something the upload cannot go on from (no `upload_id`, no `file_info`). */
export class UploadAnswerError extends QQBotError {
  constructor(step: string, what: string) {
    super(
      'MEDIA_ANSWER_INVALID',
      `${step} answered without ${what}, so the upload cannot continue. ` +
        'The platform may have changed its answer; report it with the trace id of the call (debug log of the REST call).',
    )
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`
  return `${bytes} bytes`
}
