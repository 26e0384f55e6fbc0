import { ConfigError } from '../errors/qqbot-error.js'
import type { MediaFileType } from '../rest/api-types.js'

/** The media a reply can carry; one per message. */
export type MediaKind = 'image' | 'video' | 'voice' | 'file'

/** Every media kind, in the order a reply body is searched for one. */
export const MEDIA_KINDS: readonly MediaKind[] = Object.freeze(['image', 'video', 'voice', 'file'] as const)

/** The platform's `file_type` of each kind. */
export const FILE_TYPES: Readonly<Record<MediaKind, MediaFileType>> = Object.freeze({
  image: 1,
  video: 2,
  voice: 3,
  file: 4,
})

const MB = 1024 * 1024

/**
 * The largest upload of each kind. Sources disagree (30/100/20/100 MB against 20/30/–/100 MB), so the
 * defaults are the stricter figures: image 20 MB, video 30 MB, voice 20 MB, file 100 MB.
 */
export const DEFAULT_MAX_BYTES: Readonly<Record<MediaKind, number>> = Object.freeze({
  image: 20 * MB,
  video: 30 * MB,
  voice: 20 * MB,
  file: 100 * MB,
})

/** How media is uploaded for group and C2C replies; the client option `media`. */
export interface MediaOptions {
  /** Sources of at least this many bytes go through the chunked upload; smaller ones go in one request. Default 5 MiB. */
  chunkedFromBytes?: number
  /**
   * How many leading bytes `md5_10m` covers. Default 10,002,432, the figure the official pages are quoted
   * with; some SDKs use 10 MiB (10,485,760).
   */
  md5PrefixBytes?: number
  /** How `file_size` is sent in `upload_prepare`: a JSON `'number'` (default) or a decimal `'string'`. */
  fileSizeAs?: 'number' | 'string'
  /** The largest upload per kind, checked before any upload; default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: Partial<Record<MediaKind, number>>
  /** Parts uploaded at once when the platform's `upload_config` names no concurrency. Default 1. */
  partConcurrency?: number
  /** A cap on the platform's `upload_config.concurrency`, which bounds memory to this many parts. Default 4. */
  maxPartConcurrency?: number
  /** How long a part finish answered 40093001 ("still processing") is retried, when `upload_config` names no `retry_timeout`. Default 120 s. */
  partFinishTimeoutMs?: number
  /** The wait between part finish retries. Default 1 s, as the platform asks. */
  partFinishRetryDelayMs?: number
  /** Timeout of one part's PUT to its presigned URL. Default 120 s. */
  partTimeoutMs?: number
  /** Retries of a part PUT that failed with a network error or a 5xx. Default 2. */
  partRetries?: number
  /** Where a stream too large for one request is spilled before the chunked upload (and deleted after). Default the OS temp dir. */
  tempDir?: string
  /**
   * How a `voice` from a file, bytes or a stream is sent: `'as-is'` (default; SILK is the documented format,
   * and newer reports say mp3, wav and ogg are taken as they are) or `'silk'` (SILK goes as is; WAV, mp3,
   * Ogg Opus, Ogg Vorbis and FLAC are encoded to SILK with the optional package `silk-wasm` and, but for WAV,
   * the optional decoder of their format; anything else is refused). A voice URL always goes as is.
   */
  voiceFormat?: 'as-is' | 'silk'
  /** The longest voice `voiceFormat: 'silk'` decodes (its PCM is held in memory, ≤ 96 KB a second). Default 300 s. */
  voiceMaxSeconds?: number
  /** Uploads remembered by (content hash, scene, target, kind) until their `ttl`, so a repeat sends no bytes. Default 500; 0 turns the cache off. */
  cacheEntries?: number
}

/** {@link MediaOptions} with every default filled in. */
export type ResolvedMediaOptions = Required<Omit<MediaOptions, 'maxBytes' | 'tempDir'>> & {
  maxBytes: Record<MediaKind, number>
  tempDir: string | undefined
}

/** Fills in the defaults of {@link MediaOptions}. */
export function resolveMediaOptions(options: MediaOptions = {}): ResolvedMediaOptions {
  const voiceMaxSeconds = options.voiceMaxSeconds ?? 300
  if (!(voiceMaxSeconds > 0 && Number.isFinite(voiceMaxSeconds)))
    throw new ConfigError(`media.voiceMaxSeconds must be a positive number of seconds, not ${voiceMaxSeconds}.`)
  return {
    chunkedFromBytes: options.chunkedFromBytes ?? 5 * MB,
    md5PrefixBytes: options.md5PrefixBytes ?? 10_002_432,
    fileSizeAs: options.fileSizeAs ?? 'number',
    maxBytes: { ...DEFAULT_MAX_BYTES, ...options.maxBytes },
    partConcurrency: options.partConcurrency ?? 1,
    maxPartConcurrency: options.maxPartConcurrency ?? 4,
    partFinishTimeoutMs: options.partFinishTimeoutMs ?? 120_000,
    partFinishRetryDelayMs: options.partFinishRetryDelayMs ?? 1_000,
    partTimeoutMs: options.partTimeoutMs ?? 120_000,
    partRetries: options.partRetries ?? 2,
    tempDir: options.tempDir,
    voiceFormat: options.voiceFormat ?? 'as-is',
    voiceMaxSeconds,
    cacheEntries: options.cacheEntries ?? 500,
  }
}
