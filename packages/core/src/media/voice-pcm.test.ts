import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/qqbot-error.js'
import { resolveMediaOptions } from './media-options.js'
import type { DecodedAudio, PcmDecoder } from './voice-decoders.js'
import { VoiceDecodeError, VoiceTooLongError } from './voice-errors.js'
import { decodeToPcm, PcmBuilder, silkRateFor } from './voice-pcm.js'

const tooLong = () => new VoiceTooLongError('a.mp3', 1)
const samples = (pcm: Uint8Array) => Array.from(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2))
const ramp = (length: number, from = 0) => Float32Array.from({ length }, (_, i) => (from + i) / 4000)

/** A decoder that hands out one prepared result per decode call, then `tail` on flush. */
function scriptedDecoder(results: DecodedAudio[], tail?: DecodedAudio): PcmDecoder & { freed: boolean } {
  const decoder = {
    freed: false,
    ready: Promise.resolve(),
    decode: () => results.shift() ?? { channelData: [], samplesDecoded: 0, sampleRate: 48000 },
    flush: () => Promise.resolve(tail ?? { channelData: [], samplesDecoded: 0, sampleRate: 48000 }),
    free: () => {
      decoder.freed = true
    },
  }
  return decoder
}

describe('PcmBuilder', () => {
  it('GIVEN rates silk-wasm takes THEN they stay; others go to the next rate up (48 kHz above it)', () => {
    expect([8000, 16000, 24000, 44100, 48000].map(silkRateFor)).toEqual([8000, 16000, 24000, 44100, 48000])
    expect([11025, 22050, 96000].map(silkRateFor)).toEqual([12000, 24000, 48000])
  })

  it('GIVEN stereo THEN the channels are averaged and written as s16le', () => {
    const builder = new PcmBuilder(48000, 10, tooLong)
    builder.push([Float32Array.of(1, -1, 0.5), Float32Array.of(0, -1, -0.5)], 3)
    expect(samples(builder.bytes())).toEqual([16384, -32767, 0])
  })

  it('GIVEN 22,050 Hz in uneven chunks THEN the 24 kHz output is the same as from one chunk and follows the input', () => {
    const whole = new PcmBuilder(22050, 10, tooLong)
    whole.push([ramp(2205)], 2205)
    const chunked = new PcmBuilder(22050, 10, tooLong)
    for (const [from, length] of [
      [0, 1],
      [1, 700],
      [701, 3],
      [704, 1501],
    ] as const)
      chunked.push([ramp(length, from)], length)
    expect(whole.outputRate).toBe(24000)
    expect(samples(chunked.bytes())).toEqual(samples(whole.bytes()))
    // 0.1 s in, 0.1 s out (± one sample), and a ramp stays a ramp: each step is 22050/24000 of the input's.
    expect(Math.abs(whole.seconds - 0.1)).toBeLessThan(1 / 24000 + 1e-9)
    const out = samples(whole.bytes())
    expect(Math.abs(out[1200]! - Math.round(((1200 * 22050) / 24000 / 4000) * 32767))).toBeLessThanOrEqual(1)
  })

  it('GIVEN more audio than maxSeconds THEN tooLong is thrown while pushing', () => {
    const builder = new PcmBuilder(8000, 1, tooLong)
    builder.push([new Float32Array(8000)], 8000)
    expect(() => builder.push([new Float32Array(1)], 1)).toThrow(VoiceTooLongError)
  })
})

describe('media.voiceMaxSeconds', () => {
  it('GIVEN media.voiceMaxSeconds THEN 300 by default, and zero, negative or NaN is a ConfigError', () => {
    expect(resolveMediaOptions().voiceMaxSeconds).toBe(300)
    expect(resolveMediaOptions({ voiceMaxSeconds: 0.5 }).voiceMaxSeconds).toBe(0.5)
    for (const bad of [0, -1, Number.NaN, Infinity])
      expect(() => resolveMediaOptions({ voiceMaxSeconds: bad })).toThrow(ConfigError)
  })
})

describe('decodeToPcm', () => {
  const limits = { name: 'a.ogg', format: 'ogg-opus', maxSeconds: 10 }

  it('GIVEN a file larger than one chunk THEN it is fed in pieces, the flushed tail is kept and the decoder freed', async () => {
    const fed: number[] = []
    const decoder = scriptedDecoder([], { channelData: [Float32Array.of(0.5)], samplesDecoded: 1, sampleRate: 48000 })
    const decode = decoder.decode
    decoder.decode = (chunk) => {
      fed.push(chunk.length)
      return { ...decode(chunk), channelData: [Float32Array.of(0.25)], samplesDecoded: 1 }
    }
    const { pcm, sampleRate } = await decodeToPcm(new Uint8Array(150 * 1024), decoder, limits)
    expect(fed).toEqual([65536, 65536, 22528])
    expect(sampleRate).toBe(48000)
    expect(samples(pcm)).toEqual([8192, 8192, 8192, 16384])
    expect(decoder.freed).toBe(true)
  })

  it('GIVEN bytes that decode to nothing THEN VOICE_DECODE_FAILED with the decoder error, and the decoder is freed', async () => {
    const decoder = scriptedDecoder([
      { channelData: [], samplesDecoded: 0, sampleRate: 48000, errors: [{ message: 'bad page' }] },
    ])
    const error = await decodeToPcm(new Uint8Array(10), decoder, limits).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(VoiceDecodeError)
    expect(error).toMatchObject({ code: 'VOICE_DECODE_FAILED', message: expect.stringContaining('bad page') })
    expect(decoder.freed).toBe(true)
  })

  it('GIVEN a voice longer than maxSeconds THEN VOICE_TOO_LONG names the cap', async () => {
    const second = { channelData: [new Float32Array(8000)], samplesDecoded: 8000, sampleRate: 8000 }
    const decoder = scriptedDecoder([second, second])
    const error = await decodeToPcm(new Uint8Array(70 * 1024), decoder, { ...limits, maxSeconds: 1.5 }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(VoiceTooLongError)
    expect(error).toMatchObject({ code: 'VOICE_TOO_LONG', maxSeconds: 1.5 })
    expect(decoder.freed).toBe(true)
  })
})
