import type { MediaFileType, MediaInfo } from '../rest/api-types.js'
import type { UploadScene } from './upload-endpoints.js'

/** What identifies an upload the platform can hand out again: the content, where it goes, and its kind. */
export interface FileInfoKey {
  md5: string
  scene: UploadScene
  targetId: string
  fileType: MediaFileType
  /** A `file` is shown with its name, so the same bytes under another name are another upload. */
  fileName?: string
}

interface Entry {
  info: MediaInfo
  /** `Infinity` for `ttl: 0`, which the platform documents as long-lived. */
  expiresAt: number
}

/**
 * Remembers uploaded `file_info`s until their `ttl`, so sending the same bytes to the same chat again sends
 * none. Bounded: past `maxEntries` the oldest entry is dropped.
 */
export class FileInfoCache {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get(key: FileInfoKey): MediaInfo | undefined {
    const name = keyOf(key)
    const entry = this.entries.get(name)
    if (!entry) return undefined
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(name)
      return undefined
    }
    return entry.info
  }

  set(key: FileInfoKey, info: MediaInfo): void {
    if (this.maxEntries <= 0) return
    const ttlSeconds = typeof info.ttl === 'number' && Number.isFinite(info.ttl) ? info.ttl : 0
    const expiresAt = ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : Infinity
    const name = keyOf(key)
    this.entries.delete(name)
    this.entries.set(name, { info, expiresAt })
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
  }
}

function keyOf(key: FileInfoKey): string {
  return [key.md5, key.scene, key.targetId, key.fileType, key.fileName ?? ''].join('\u0000')
}
