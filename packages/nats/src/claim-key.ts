import type { KvEntry } from '@nats-io/kv'
import { DONE_MARK } from '@qqbot/core/adapter'
import type { ClaimsBucket } from './claims-bucket.js'
import { isApiError } from './stream-setup.js'

/** A worker's hold on one event: its key in the claims bucket and the revision it wrote. */
export interface Claim {
  key: string
  revision: number
}

/** JetStream's answers to a create of a key that exists (wrong last sequence): 2.9/2.10, and newer or clustered servers. */
const KEY_EXISTS = [10071, 10164]

/** What the first step of a claim found: the key taken, the event already done, or another holder's entry. */
export type ClaimAttempt =
  { claim: Claim } | 'done' | { key: string; entry: KvEntry | null; holder: string | undefined }

/**
 * Takes the event's claim key for `worker` when nobody has it (or it is already this worker's); otherwise says
 * who holds it, for the broker to decide whether to wait or take it over.
 */
export async function attemptClaim(claims: ClaimsBucket, dedupeKey: string, worker: string): Promise<ClaimAttempt> {
  const key = Buffer.from(dedupeKey).toString('base64url')
  try {
    return { claim: { key, revision: await claims.create(key, worker) } }
  } catch (error) {
    if (!KEY_EXISTS.some((code) => isApiError(error, code))) throw error
  }
  const entry = await claims.kv.get(key)
  // A deleted or purged key is free, as `kv.create()` would find it.
  if (entry && entry.operation !== 'PUT')
    return { claim: { key, revision: await claims.kv.update(key, worker, entry.revision) } }
  const holder = entry ? entry.string() : undefined
  if (holder === DONE_MARK) return 'done'
  if (entry && holder === worker) return { claim: { key, revision: entry.revision } }
  return { key, entry, holder }
}
