/** MurmurHash3's 32-bit finalizer: spreads every input bit over the result (and so into the low bits a table masks). */
export function mixHash(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b)
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35)
  return hash ^ (hash >>> 16)
}

/**
 * A 32-bit hash of `text`: FNV-1a over its UTF-16 code units (from `seed`, 0 for one that is the same in every
 * process), finished by {@link mixHash} so that every character reaches the low bits.
 */
export function hashString(text: string, seed = 0): number {
  let hash = seed ^ 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return mixHash(hash)
}
