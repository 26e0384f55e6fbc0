import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { FileByteSource, MemoryByteSource, type ByteSource } from './byte-source.js'
import { MediaTooLargeError } from './media-errors.js'
import { MediaHasher } from './media-hasher.js'

export interface SpillOptions {
  /** A stream that ends below this many bytes stays in memory; a longer one goes to a temp file from here on. */
  spillFromBytes: number
  /** Reading stops with {@link MediaTooLargeError} past this many bytes. */
  maxBytes: number
  /** The kind, for the error message. */
  kind: string
  /** Prefix length of `md5_10m`, hashed while spilling so the file is not read twice. */
  prefixBytes: number
  /** Parent of the temp folder; default the OS temp dir. */
  tempDir: string | undefined
}

/**
 * Reads a stream once. A short one is kept in memory; a long one is written to a temp file (hashed on the
 * way, so the chunked upload needs no second pass), holding at most `spillFromBytes` in memory at any time.
 */
export async function readStream(
  stream: Readable,
  name: string | undefined,
  options: SpillOptions,
): Promise<ByteSource> {
  let held: Uint8Array[] = []
  let total = 0
  let spill: { dir: string; path: string; file: FileHandle; hasher: MediaHasher } | undefined
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      total += bytes.length
      if (total > options.maxBytes) throw new MediaTooLargeError(options.kind, undefined, options.maxBytes)
      if (spill) {
        spill.hasher.update(bytes)
        await spill.file.write(bytes)
        continue
      }
      held.push(bytes)
      if (total < options.spillFromBytes) continue
      const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'qqbot-media-'))
      const path = join(dir, 'upload.bin')
      spill = { dir, path, file: await open(path, 'w'), hasher: new MediaHasher(options.prefixBytes) }
      for (const piece of held) {
        spill.hasher.update(piece)
        await spill.file.write(piece)
      }
      held = []
    }
    if (!spill) return new MemoryByteSource(Buffer.concat(held), name)
    await spill.file.close()
    return FileByteSource.spilled(spill.path, name, spill.hasher.digest())
  } catch (error) {
    stream.destroy()
    if (spill) {
      await spill.file.close().catch(() => undefined)
      await rm(spill.dir, { recursive: true, force: true })
    }
    throw error
  }
}
