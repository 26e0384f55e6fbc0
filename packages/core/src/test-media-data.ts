/** For the media tests (not built, not published): deterministic bytes, as a buffer, a file or a stream. */
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach } from 'vitest'

/** Byte `i` of the test pattern: varies within and across parts, so a part put at the wrong offset changes the hashes. */
function patternByte(i: number): number {
  return (i * 31 + (i >>> 13) * 7) & 0xff
}

/** `size` bytes of the test pattern, starting at byte `from` of it. */
export function patternBytes(size: number, from = 0): Buffer {
  const bytes = Buffer.allocUnsafe(size)
  for (let i = 0; i < size; i++) bytes[i] = patternByte(from + i)
  return bytes
}

/** The test pattern as a stream of 64 KiB chunks, generated as it is read (never held whole). */
export function patternStream(size: number): Readable {
  const chunk = 64 * 1024
  return Readable.from(
    (function* () {
      for (let from = 0; from < size; from += chunk) yield patternBytes(Math.min(chunk, size - from), from)
    })(),
  )
}

export function hex(algorithm: 'md5' | 'sha1', bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest('hex')
}

/** A temp folder per test, removed after it; `files()` lists what is left in it. */
export function useTempDir(): () => Promise<{
  dir: string
  write(name: string, bytes: Uint8Array): Promise<string>
  files(): Promise<string[]>
}> {
  const dirs: string[] = []
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qqbot-media-test-'))
    dirs.push(dir)
    return {
      dir,
      async write(name, bytes) {
        const path = join(dir, name)
        await writeFile(path, bytes)
        return path
      },
      files: () => readdir(dir),
    }
  }
}
