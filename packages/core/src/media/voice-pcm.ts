import type { DecodedAudio, PcmDecoder } from './voice-decoders.js'
import { VoiceDecodeError, VoiceTooLongError } from './voice-errors.js'

/** The input rates silk-wasm's encoder takes; it resamples them itself to SILK's internal 24 kHz at most. */
export const SILK_INPUT_RATES: readonly number[] = [8000, 12000, 16000, 24000, 32000, 44100, 48000]

/** How much of the file each decode call is given, so decoded audio arrives (and is capped) a piece at a time. */
const CHUNK_BYTES = 64 * 1024

/** A rate silk-wasm takes: the input's own when it can, else the next one up (48 kHz for anything above). */
export function silkRateFor(sampleRate: number): number {
  return SILK_INPUT_RATES.find((rate) => rate >= sampleRate) ?? 48000
}

/**
 * Mono s16le at a rate silk-wasm takes, built a decoded chunk at a time. Channels are averaged. Rates silk-wasm
 * does not take (22.05 kHz, 11.025 kHz, 96 kHz, …) are resampled here by linear interpolation, which is enough
 * because the resampling is almost always a small step up (22.05 → 24 kHz) and SILK itself then band-limits
 * to 12 kHz with its own filters; the usual rates (mp3 44.1/48 kHz, Opus 48 kHz) pass untouched to
 * silk-wasm's resampler. A small hand-written resampler avoids another dependency for that corner.
 */
export class PcmBuilder {
  readonly outputRate: number
  private samples: Int16Array
  private length = 0
  private readonly step: number
  private position = 0
  private previous: number | undefined
  private readonly maxSamples: number

  constructor(
    readonly inputRate: number,
    maxSeconds: number,
    private readonly tooLong: () => Error,
  ) {
    this.outputRate = silkRateFor(inputRate)
    this.step = inputRate / this.outputRate
    this.maxSamples = Math.ceil(maxSeconds * this.outputRate)
    this.samples = new Int16Array(Math.min(this.maxSamples, this.outputRate * 10))
  }

  /** The length so far. */
  get seconds(): number {
    return this.length / this.outputRate
  }

  /** Adds a decoded chunk; throws `tooLong()` once the voice passes the cap. */
  push(channels: readonly Float32Array[], count: number): void {
    if (count === 0 || channels.length === 0) return
    const mono = downmix(channels, count)
    if (this.step === 1) {
      for (let i = 0; i < count; i++) this.append(mono[i]!)
      return
    }
    // Output positions run on across chunks; index -1 is the last sample of the previous chunk.
    let position = this.position
    while (position <= count - 1) {
      const index = Math.floor(position)
      const a = index < 0 ? (this.previous ?? mono[0]!) : mono[index]!
      const b = mono[index + 1] ?? a
      this.append(a + (b - a) * (position - index))
      position += this.step
    }
    this.position = position - count
    this.previous = mono[count - 1]
  }

  /** The PCM so far as little-endian bytes (a view, not a copy). */
  bytes(): Uint8Array {
    return new Uint8Array(this.samples.buffer, 0, this.length * 2)
  }

  private append(sample: number): void {
    if (this.length === this.samples.length) {
      if (this.length >= this.maxSamples) throw this.tooLong()
      const grown = new Int16Array(Math.min(this.maxSamples, this.samples.length * 2))
      grown.set(this.samples)
      this.samples = grown
    }
    const clamped = sample > 1 ? 1 : sample < -1 ? -1 : sample
    this.samples[this.length++] = Math.round(clamped * 32767)
  }
}

function downmix(channels: readonly Float32Array[], count: number): Float32Array {
  if (channels.length === 1) return channels[0]!
  const mono = new Float32Array(count)
  for (const channel of channels) for (let i = 0; i < count; i++) mono[i]! += channel[i]!
  for (let i = 0; i < count; i++) mono[i]! /= channels.length
  return mono
}

/** What {@link decodeToPcm} needs to name the voice in its errors and cap it. */
export interface DecodeLimits {
  name: string | undefined
  format: string
  maxSeconds: number
}

/** Decodes a whole voice to mono s16le, a chunk at a time; the decoder is freed whatever happens. */
export async function decodeToPcm(
  bytes: Uint8Array,
  decoder: PcmDecoder,
  limits: DecodeLimits,
): Promise<{ pcm: Uint8Array; sampleRate: number }> {
  let builder: PcmBuilder | undefined
  let lastError: string | undefined
  const take = (audio: DecodedAudio): void => {
    if (audio.errors?.length) lastError = audio.errors[audio.errors.length - 1]!.message
    if (audio.samplesDecoded === 0) return
    builder ??= new PcmBuilder(
      audio.sampleRate,
      limits.maxSeconds,
      () => new VoiceTooLongError(limits.name, limits.maxSeconds),
    )
    builder.push(audio.channelData, audio.samplesDecoded)
  }
  try {
    await decoder.ready
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES)
      take(await decoder.decode(bytes.subarray(at, at + CHUNK_BYTES)))
    if (decoder.flush) take(await decoder.flush())
  } catch (error) {
    if (error instanceof VoiceTooLongError) throw error
    throw new VoiceDecodeError(limits.name, limits.format, error instanceof Error ? error.message : String(error))
  } finally {
    decoder.free()
  }
  if (!builder) throw new VoiceDecodeError(limits.name, limits.format, lastError ?? 'no audio in it')
  return { pcm: builder.bytes(), sampleRate: builder.outputRate }
}
