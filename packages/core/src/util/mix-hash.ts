/** MurmurHash3's 32-bit finalizer: spreads every input bit over the result (and so into the low bits a table masks). */
export function mixHash(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b)
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35)
  return hash ^ (hash >>> 16)
}
