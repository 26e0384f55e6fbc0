import { HttpTransport } from '../http/http-transport.js'
import { defineCounter, defineGauge, type Metrics } from '../metrics/metrics.js'
import type { MediaInfo, MediaUpload } from '../rest/api-types.js'
import type { CallOptions, OpenApi } from '../rest/open-api.js'
import { FileByteSource, MemoryByteSource, type ByteSource } from './byte-source.js'
import { uploadChunked } from './chunked-upload.js'
import { FileInfoCache, type FileInfoKey } from './file-info-cache.js'
import { MediaSourceError, MediaTooLargeError } from './media-errors.js'
import { md5Hex } from './media-hasher.js'
import {
  FILE_TYPES,
  resolveMediaOptions,
  type MediaKind,
  type MediaOptions,
  type ResolvedMediaOptions,
} from './media-options.js'
import { classifySource, type ClassifiedSource, type MediaSource } from './media-source.js'
import { PartMeter } from './part-meter.js'
import { readStream } from './readable-spill.js'
import { loadSilkCodec, toSilk, type SilkCodec } from './silk-voice.js'
import { loadVoiceDecoder, type PcmDecoderFactory } from './voice-decoders.js'
import type { DecodedVoiceFormat } from './voice-format.js'
import { UploadEndpoints, type UploadScene } from './upload-endpoints.js'

/** Uploads by how they went: `url`, `one-shot` (base64 bytes), `chunked`, or `cached` (no request). */
export const MEDIA_UPLOADS = defineCounter('media_uploads', 'Media uploads for group and C2C messages, by mode')
/** The memory bound of chunked uploads, measured: the most part bytes held at once since start. */
export const MEDIA_PART_BYTES_PEAK = defineGauge(
  'media_part_bytes_peak',
  'The most chunked-upload part bytes held in memory at once',
)

/** What the uploader needs from the client. */
export interface MediaUploaderDeps {
  api: OpenApi
  /** For PUTs to presigned URLs; default a transport of its own, closed by {@link MediaUploader.close}. */
  transport?: HttpTransport
  metrics?: Metrics
  /** The clock of the `file_info` cache and the part-finish retry deadline; default `Date.now`. */
  now?: () => number
  /** Loads the SILK encoder for `voiceFormat: 'silk'`; default a dynamic import of `silk-wasm`. */
  loadSilk?: () => Promise<SilkCodec>
  /** Loads the decoder of an mp3, Ogg or FLAC voice for `voiceFormat: 'silk'`; default a dynamic import of its package. */
  loadDecoder?: (format: DecodedVoiceFormat) => Promise<PcmDecoderFactory>
}

/**
 * Turns a {@link MediaSource} into a `file_info` for a group or C2C message. URLs go as they are; bytes
 * below `chunkedFromBytes` go base64 in one request; larger ones through the chunked upload, read from disk
 * (or a temp file a stream was spilled to) a part at a time. Sizes are checked before anything is sent,
 * and a `file_info` is reused for the same bytes, chat and kind until its `ttl`.
 */
export class MediaUploader {
  private readonly options: ResolvedMediaOptions
  private readonly endpoints: UploadEndpoints
  private readonly cache: FileInfoCache
  private readonly meter = new PartMeter()
  private readonly now: () => number
  private readonly metrics: Metrics | undefined
  private transport: HttpTransport | undefined
  private readonly ownsTransport: boolean
  private readonly loadSilk: () => Promise<SilkCodec>
  private silk: Promise<SilkCodec> | undefined
  private readonly loadDecoder: (format: DecodedVoiceFormat) => Promise<PcmDecoderFactory>
  private readonly decoders = new Map<DecodedVoiceFormat, Promise<PcmDecoderFactory>>()

  constructor(deps: MediaUploaderDeps, options: MediaOptions = {}) {
    this.options = resolveMediaOptions(options)
    this.endpoints = new UploadEndpoints(deps.api)
    this.now = deps.now ?? Date.now
    this.cache = new FileInfoCache(this.options.cacheEntries, this.now)
    this.metrics = deps.metrics
    this.transport = deps.transport
    this.ownsTransport = deps.transport === undefined
    this.loadSilk = deps.loadSilk ?? loadSilkCodec
    this.loadDecoder = deps.loadDecoder ?? ((format) => loadVoiceDecoder(format))
    deps.metrics?.gauge(MEDIA_PART_BYTES_PEAK, () => this.meter.peak)
  }

  /** The most part bytes a chunked upload held in memory at once so far (bounded by concurrency × part size). */
  get peakPartBytes(): number {
    return this.meter.peak
  }

  /**
   * Uploads `source` as a `kind` for the group or C2C chat `targetId`, without sending it: attach the
   * returned `file_info` as `media` to a `msg_type: 7` message. Throws {@link MediaSourceError},
   * {@link MediaTooLargeError} (before any request), `UploadQuotaExceededError`, `PartUploadError` or `ApiError`.
   */
  async upload(
    scene: UploadScene,
    targetId: string,
    kind: MediaKind,
    source: MediaSource,
    call: CallOptions = {},
  ): Promise<MediaInfo> {
    const classified = classifySource(source)
    if (classified.type === 'url') {
      this.metrics?.inc(MEDIA_UPLOADS, { mode: 'url' })
      return this.endpoints.oneShot(scene, targetId, this.oneShotBody(kind, { url: classified.url }, undefined), call)
    }
    let bytes = await this.open(classified, kind)
    try {
      if (bytes.size === 0) throw new MediaSourceError(`The ${kind} is empty (0 bytes): nothing to upload.`)
      if (kind === 'voice' && this.options.voiceFormat === 'silk') {
        const silk = await toSilk(bytes, {
          codec: () => this.silkCodec(),
          decoder: (format) => this.decoder(format),
          maxSeconds: this.options.voiceMaxSeconds,
        })
        if (silk !== bytes) await bytes.close()
        bytes = silk
      }
      return await this.uploadBytes(scene, targetId, kind, bytes, call)
    } finally {
      await bytes.close()
    }
  }

  /** Closes the transport for presigned URLs, when the uploader opened it. */
  async close(): Promise<void> {
    if (this.ownsTransport) await this.transport?.close()
  }

  private async uploadBytes(
    scene: UploadScene,
    targetId: string,
    kind: MediaKind,
    source: ByteSource,
    call: CallOptions,
  ): Promise<MediaInfo> {
    const fileType = FILE_TYPES[kind]
    if (source.size < this.options.chunkedFromBytes) {
      const bytes = await source.readAll()
      const key = this.cacheKey(md5Hex(bytes), scene, targetId, kind, source)
      const cached = this.cached(key)
      if (cached) return cached
      const fileData = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
      const info = await this.endpoints.oneShot(
        scene,
        targetId,
        this.oneShotBody(kind, { file_data: fileData }, source.name),
        call,
      )
      this.metrics?.inc(MEDIA_UPLOADS, { mode: 'one-shot' })
      this.cache.set(key, info)
      return info
    }
    const hashes = await source.hashes(this.options.md5PrefixBytes)
    const key = this.cacheKey(hashes.md5, scene, targetId, kind, source)
    const cached = this.cached(key)
    if (cached) return cached
    this.transport ??= new HttpTransport()
    const info = await uploadChunked(
      { endpoints: this.endpoints, transport: this.transport, options: this.options, meter: this.meter, now: this.now },
      { scene, targetId, fileType, fileName: source.name ?? kind, source, hashes },
      call,
    )
    this.metrics?.inc(MEDIA_UPLOADS, { mode: 'chunked' })
    this.cache.set(key, info)
    return info
  }

  /** Loaded once; a failed load is not remembered, so installing the package later works without a restart. */
  private silkCodec(): Promise<SilkCodec> {
    this.silk ??= this.loadSilk().catch((error: unknown) => {
      this.silk = undefined
      throw error
    })
    return this.silk
  }

  /** Like {@link silkCodec}: one load per format, a failed one forgotten. */
  private decoder(format: DecodedVoiceFormat): Promise<PcmDecoderFactory> {
    let loading = this.decoders.get(format)
    if (!loading) {
      loading = this.loadDecoder(format).catch((error: unknown) => {
        this.decoders.delete(format)
        throw error
      })
      this.decoders.set(format, loading)
    }
    return loading
  }

  private cacheKey(
    md5: string,
    scene: UploadScene,
    targetId: string,
    kind: MediaKind,
    source: ByteSource,
  ): FileInfoKey {
    const key: FileInfoKey = { md5, scene, targetId, fileType: FILE_TYPES[kind] }
    if (kind === 'file') key.fileName = source.name ?? 'file'
    return key
  }

  private cached(key: FileInfoKey): MediaInfo | undefined {
    const cached = this.cache.get(key)
    if (cached) this.metrics?.inc(MEDIA_UPLOADS, { mode: 'cached' })
    return cached
  }

  /** Opens the bytes of a non-URL source; a file or buffer over the kind's cap fails here, before any request. */
  private async open(source: Exclude<ClassifiedSource, { type: 'url' }>, kind: MediaKind): Promise<ByteSource> {
    const maxBytes = this.options.maxBytes[kind]
    if (source.type === 'stream') {
      return readStream(source.stream, source.name, {
        spillFromBytes: this.options.chunkedFromBytes,
        maxBytes,
        kind,
        prefixBytes: this.options.md5PrefixBytes,
        tempDir: this.options.tempDir,
      })
    }
    const bytes =
      source.type === 'bytes'
        ? new MemoryByteSource(source.bytes, source.name)
        : await FileByteSource.open(source.path, source.name)
    if (bytes.size > maxBytes) {
      await bytes.close()
      throw new MediaTooLargeError(kind, bytes.size, maxBytes)
    }
    return bytes
  }

  private oneShotBody(
    kind: MediaKind,
    content: { url: string } | { file_data: string },
    name: string | undefined,
  ): MediaUpload {
    const body: MediaUpload = { file_type: FILE_TYPES[kind], ...content, srv_send_msg: false }
    if (kind === 'file') body.file_name = name ?? 'file'
    return body
  }
}
