import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SEED_BYTES = 32
const SIGNATURE_BYTES = 64

/** The bot's webhook key pair, derived from its AppSecret. */
export interface WebhookKeys {
  privateKey: KeyObject
  publicKey: KeyObject
}

/**
 * The platform's seed rule (docs/protocol.md, webhook): repeat the secret until it is at least 32 bytes long, then
 * take the first 32 bytes. Works for secrets shorter than 16 or longer than 32 characters too, where a
 * "pad once" implementation elsewhere goes wrong.
 */
export function webhookSeed(secret: string): Buffer {
  if (secret.length === 0)
    throw new TypeError('The AppSecret is empty: it is needed to derive the webhook signing key.')
  const unit = Buffer.from(secret, 'utf8')
  const repeated = Buffer.alloc(Math.ceil(SEED_BYTES / unit.length) * unit.length)
  for (let offset = 0; offset < repeated.length; offset += unit.length) unit.copy(repeated, offset)
  return repeated.subarray(0, SEED_BYTES)
}

/** Derives the Ed25519 key pair the platform uses for this bot's callbacks. */
export function deriveWebhookKeys(secret: string): WebhookKeys {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, webhookSeed(secret)]),
    format: 'der',
    type: 'pkcs8',
  })
  return { privateKey, publicKey: createPublicKey(privateKey) }
}

/** Hex Ed25519 signature of `message`. */
export function signHex(privateKey: KeyObject, message: string | Buffer): string {
  return sign(null, typeof message === 'string' ? Buffer.from(message, 'utf8') : message, privateKey).toString('hex')
}

/**
 * Checks `X-Signature-Ed25519` over `timestamp + body` (the raw bytes as received). Rejects anything that is
 * not exactly 64 bytes of hex or has the top three bits of the last byte set (a malleable signature).
 */
export function verifyWebhookSignature(
  publicKey: KeyObject,
  timestamp: string,
  body: Buffer,
  signatureHex: string,
): boolean {
  if (signatureHex.length !== SIGNATURE_BYTES * 2) return false
  // Hex decoding stops at the first pair that is not hex, so a full-length result means every character was.
  const signature = Buffer.from(signatureHex, 'hex')
  if (signature.length !== SIGNATURE_BYTES || (signature[63]! & 0xe0) !== 0) return false
  // One buffer for timestamp + body, sized once: the body (up to maxBodyBytes) is copied once, not twice.
  const timestampBytes = Buffer.byteLength(timestamp, 'utf8')
  const message = Buffer.allocUnsafe(timestampBytes + body.length)
  message.write(timestamp, 0, 'utf8')
  body.copy(message, timestampBytes)
  return verify(null, message, publicKey, signature)
}
