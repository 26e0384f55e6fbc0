import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { deriveWebhookKeys, signHex, verifyWebhookSignature, webhookSeed } from './webhook-keys.js'

describe('webhook keys', () => {
  it('GIVEN the protocol file example secret THEN the seed repeats it to 32 bytes', () => {
    expect(webhookSeed('naOC0ocQE3shWLAfffVLB1rhYPG7').toString()).toBe('naOC0ocQE3shWLAfffVLB1rhYPG7naOC')
    expect(webhookSeed('abc').toString()).toBe('abcabcabcabcabcabcabcabcabcabcab')
    expect(webhookSeed('x'.repeat(40)).toString()).toBe('x'.repeat(32))
    expect(() => webhookSeed('')).toThrow(/AppSecret is empty/)
  })

  it('GIVEN the known test vector THEN the op 13 signature matches byte for byte', () => {
    const { privateKey } = deriveWebhookKeys('DG5g3B4j9X2KOErG')
    expect(signHex(privateKey, '1725442341' + 'Arq0D5A61EgUu4OxUvOp')).toBe(
      '87befc99c42c651b3aac0278e71ada338433ae26fcb24307bdc5ad38c1adc2d01bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652c706',
    )
  })

  it('GIVEN a signed body THEN it verifies, and any change to timestamp, body or signature fails', () => {
    const { privateKey, publicKey } = deriveWebhookKeys('some-app-secret')
    const body = Buffer.from('{"op":0,"t":"C2C_MESSAGE_CREATE","d":{}}')
    const signature = signHex(privateKey, Buffer.concat([Buffer.from('1700000000'), body]))
    expect(verifyWebhookSignature(publicKey, '1700000000', body, signature)).toBe(true)
    expect(verifyWebhookSignature(publicKey, '1700000001', body, signature)).toBe(false)
    expect(
      verifyWebhookSignature(publicKey, '1700000000', Buffer.from(body.toString().replace('{}', '{ }')), signature),
    ).toBe(false)
    expect(verifyWebhookSignature(publicKey, '1700000000', body, signature.slice(0, 126))).toBe(false)
    expect(verifyWebhookSignature(publicKey, '1700000000', body, 'zz' + signature.slice(2))).toBe(false)
    // A non-hex character anywhere (not only first) fails, even where decoding would keep the bytes before it.
    expect(verifyWebhookSignature(publicKey, '1700000000', body, signature.slice(0, 127) + 'g')).toBe(false)
    expect(
      verifyWebhookSignature(publicKey, '1700000000', body, signature.slice(0, 60) + ' ' + signature.slice(61)),
    ).toBe(false)
    expect(verifyWebhookSignature(publicKey, '1700000000', body, signature.toUpperCase())).toBe(true)
    const high = Buffer.from(signature, 'hex')
    high[63] = high[63]! | 0xe0
    expect(verifyWebhookSignature(publicKey, '1700000000', body, high.toString('hex'))).toBe(false)
    expect(verifyWebhookSignature(deriveWebhookKeys('another-secret').publicKey, '1700000000', body, signature)).toBe(
      false,
    )
    expect(verifyWebhookSignature(publicKey, '1700000000', body, randomBytes(64).toString('hex'))).toBe(false)
  })
})
