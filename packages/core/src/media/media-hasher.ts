import { createHash, type Hash } from 'node:crypto'

/** What `upload_prepare` identifies a file by: lowercase hex digests and the size. */
export interface FileHashes {
  md5: string
  sha1: string
  /** The md5 of the first `md5PrefixBytes` bytes, or of the whole file when it is smaller. */
  md5_10m: string
  size: number
}

/**
 * Computes md5, sha1 and the prefix md5 in one pass over chunks as they stream by, so a file of any size is
 * read once and never held whole.
 */
export class MediaHasher {
  private readonly md5 = createHash('md5')
  private readonly sha1 = createHash('sha1')
  private readonly prefix: Hash = createHash('md5')
  private size = 0

  constructor(private readonly prefixBytes: number) {}

  update(chunk: Uint8Array): void {
    const prefixLeft = this.prefixBytes - this.size
    if (prefixLeft > 0) this.prefix.update(chunk.length <= prefixLeft ? chunk : chunk.subarray(0, prefixLeft))
    this.md5.update(chunk)
    this.sha1.update(chunk)
    this.size += chunk.length
  }

  digest(): FileHashes {
    const md5 = this.md5.digest('hex')
    const prefix = this.prefix.digest('hex')
    return {
      md5,
      sha1: this.sha1.digest('hex'),
      md5_10m: this.size <= this.prefixBytes ? md5 : prefix,
      size: this.size,
    }
  }
}

/** The hashes of bytes already in memory. */
export function hashBytes(bytes: Uint8Array, prefixBytes: number): FileHashes {
  const hasher = new MediaHasher(prefixBytes)
  hasher.update(bytes)
  return hasher.digest()
}

/** Hashes everything `chunks` yields (a file's read stream), in one pass. */
export async function hashStream(chunks: AsyncIterable<Uint8Array>, prefixBytes: number): Promise<FileHashes> {
  const hasher = new MediaHasher(prefixBytes)
  for await (const chunk of chunks) hasher.update(chunk)
  return hasher.digest()
}

/** The md5 (lowercase hex) of one part's bytes, as `upload_part_finish` wants it. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex')
}
