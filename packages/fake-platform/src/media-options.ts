/** The kinds of media by `file_type`: 1 image, 2 video, 3 voice, 4 file. */
export type FakeMediaKind = 'image' | 'video' | 'voice' | 'file'

/** `file_type` → kind. */
export const KIND_OF_FILE_TYPE: Readonly<Record<number, FakeMediaKind>> = Object.freeze({
  1: 'image',
  2: 'video',
  3: 'voice',
  4: 'file',
})

const MB = 1024 * 1024

/** How the fake platform's media uploads behave (`FakePlatformOptions.media`). Every field is optional. */
export interface FakeMediaOptions {
  /** The part size `upload_prepare` hands out; default 1 MiB. */
  blockSize?: number
  /** `upload_config.concurrency`; default 3. */
  concurrency?: number
  /** `upload_config.retry_timeout` in seconds; default 60. */
  retryTimeoutSeconds?: number
  /** Where `concurrency` and `retry_timeout` go: inside `upload_config` (default `'nested'`) or at the top level. */
  uploadConfigAt?: 'nested' | 'top-level'
  /** The `index` of the first part (sources disagree whether it is 0 or 1); default 1. */
  partIndexBase?: 0 | 1
  /** The first N `upload_part_finish` calls answer 40093001 ("still processing, retry"); default 0. */
  partFinishBusyCount?: number
  /** `upload_prepare` calls accepted per UTC day; past it they answer 40093002. Default unlimited. */
  dailyUploadQuota?: number
  /** The `ttl` (seconds) of every `file_info` handed out; default 0, which the platform documents as long-lived. */
  fileInfoTtlSeconds?: number
  /** How many leading bytes `md5_10m` covers; default 10,002,432. */
  md5PrefixBytes?: number
  /** The largest upload per kind; default the stricter figures: image 20 MiB, video 30 MiB, voice 20 MiB, file 100 MiB. */
  maxBytes?: Partial<Record<FakeMediaKind, number>>
  /** The largest `file_data` (decoded) a one-shot `/files` takes before HTTP 413; default 10 MiB. */
  oneShotMaxBytes?: number
  /** The first N part PUTs answer HTTP 503 (object storage failing for a moment); default 0. */
  partPutFailures?: number
  /** What a voice (`file_type` 3) may be: `'silk'` (default, as documented: other bytes are refused) or `'any'`. */
  voiceFormat?: 'silk' | 'any'
  /** Delay before the part server answers each PUT, in ms (lets overlapping parts be observed); default 0. */
  partLatencyMs?: number
}

/** {@link FakeMediaOptions} with every default filled in. */
export type ResolvedMediaOptions = Required<Omit<FakeMediaOptions, 'maxBytes'>> & {
  maxBytes: Record<FakeMediaKind, number>
}

export function resolveMediaOptions(options: FakeMediaOptions = {}): ResolvedMediaOptions {
  return {
    blockSize: options.blockSize ?? MB,
    concurrency: options.concurrency ?? 3,
    retryTimeoutSeconds: options.retryTimeoutSeconds ?? 60,
    uploadConfigAt: options.uploadConfigAt ?? 'nested',
    partIndexBase: options.partIndexBase ?? 1,
    partFinishBusyCount: options.partFinishBusyCount ?? 0,
    dailyUploadQuota: options.dailyUploadQuota ?? Infinity,
    fileInfoTtlSeconds: options.fileInfoTtlSeconds ?? 0,
    md5PrefixBytes: options.md5PrefixBytes ?? 10_002_432,
    maxBytes: { image: 20 * MB, video: 30 * MB, voice: 20 * MB, file: 100 * MB, ...options.maxBytes },
    oneShotMaxBytes: options.oneShotMaxBytes ?? 10 * MB,
    partPutFailures: options.partPutFailures ?? 0,
    partLatencyMs: options.partLatencyMs ?? 0,
    voiceFormat: options.voiceFormat ?? 'silk',
  }
}
