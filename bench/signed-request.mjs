// A webhook callback as the node handler takes it once read (no HTTP server), signed as the platform signs it.

/** `body` (JSON text) as an already-read POST to /webhook, signed by `deliverer` at `timestamp`. */
export function signedRequest(deliverer, timestamp, body) {
  return {
    method: 'POST',
    url: '/webhook',
    rawBody: Buffer.from(body),
    headers: {
      'content-type': 'application/json',
      'x-signature-timestamp': timestamp,
      'x-signature-ed25519': deliverer.sign(timestamp, body),
    },
  }
}
