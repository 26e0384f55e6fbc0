import { randomBytes } from 'node:crypto'

let counter = 0

/** Returns `bytes` random bytes as a lower-case hex string. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex')
}

/** Returns an opaque random access token (URL-safe base64, 32 random bytes). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * Returns an id that is unique within this process: a monotonically increasing counter
 * plus random bytes, so ids never collide even when generated in the same millisecond.
 */
export function uniqueId(prefix = ''): string {
  counter += 1
  return `${prefix}${Date.now().toString(16)}${counter.toString(16).padStart(6, '0')}${randomHex(4)}`
}
