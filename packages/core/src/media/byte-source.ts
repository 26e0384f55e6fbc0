import { createReadStream } from 'node:fs'
import { open, rm, stat, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { MediaSourceError } from './media-errors.js'
import { hashBytes, hashStream, type FileHashes } from './media-hasher.js'

/** Bytes to upload, whether in memory or on disk: known size, hashes in one pass, parts read on demand. */
export interface ByteSource {
  readonly size: number
  /** The file name to declare, when the source has one. */
  readonly name: string | undefined
  /** md5, sha1 and the prefix md5, computed once (one streaming pass for a file). */
  hashes(prefixBytes: number): Promise<FileHashes>
  /** Every byte; only for sources small enough for a one-shot upload. */
  readAll(): Promise<Uint8Array>
  /** `length` bytes from `offset` (fewer at the end). */
  read(offset: number, length: number): Promise<Uint8Array>
  /** Releases the file handle and deletes a spilled temp file. Safe to call twice. */
  close(): Promise<void>
}

/** Bytes the caller already holds; parts are views, never copies. */
export class MemoryByteSource implements ByteSource {
  private computed: FileHashes | undefined

  constructor(
    private readonly bytes: Uint8Array,
    readonly name: string | undefined,
  ) {}

  get size(): number {
    return this.bytes.length
  }

  hashes(prefixBytes: number): Promise<FileHashes> {
    this.computed ??= hashBytes(this.bytes, prefixBytes)
    return Promise.resolve(this.computed)
  }

  readAll(): Promise<Uint8Array> {
    return Promise.resolve(this.bytes)
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.bytes.subarray(offset, offset + length))
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

/** A file on disk, read in a hashing pass and then part by part; a spilled temp file is deleted on close. */
export class FileByteSource implements ByteSource {
  private handle: Promise<FileHandle> | undefined
  private closed = false

  private constructor(
    private readonly path: string,
    readonly size: number,
    readonly name: string | undefined,
    private computed: FileHashes | undefined,
    private readonly temporary: boolean,
  ) {}

  /** A file the caller named; throws {@link MediaSourceError} when it is missing or not a regular file. */
  static async open(path: string, name: string): Promise<FileByteSource> {
    const info = await stat(path).catch((cause: unknown) => {
      throw new MediaSourceError(`Cannot read media file ${path}: ${(cause as Error).message}.`, { cause })
    })
    if (!info.isFile()) throw new MediaSourceError(`Media path ${path} is not a regular file.`)
    return new FileByteSource(path, info.size, name, undefined, false)
  }

  /** A temp file this process wrote (a spilled stream), hashed while it was written; deleted with its folder on close. */
  static spilled(path: string, name: string | undefined, hashes: FileHashes): FileByteSource {
    return new FileByteSource(path, hashes.size, name, hashes, true)
  }

  async hashes(prefixBytes: number): Promise<FileHashes> {
    this.computed ??= await hashStream(createReadStream(this.path), prefixBytes)
    return this.computed
  }

  async readAll(): Promise<Uint8Array> {
    return this.read(0, this.size)
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    this.handle ??= open(this.path, 'r')
    const handle = await this.handle
    const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - offset)))
    let filled = 0
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, offset + filled)
      if (bytesRead === 0) throw new MediaSourceError(`Media file ${this.path} shrank while it was being uploaded.`)
      filled += bytesRead
    }
    return buffer
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const handle = this.handle
    this.handle = undefined
    if (handle) await (await handle.catch(() => undefined))?.close()
    if (this.temporary) await rm(dirname(this.path), { recursive: true, force: true })
  }
}
