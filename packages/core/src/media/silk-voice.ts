import { basename, extname } from 'node:path'
import { MemoryByteSource, type ByteSource } from './byte-source.js'
import type { PcmDecoderFactory } from './voice-decoders.js'
import { decodeToPcm } from './voice-pcm.js'
import { OptionalDependencyError, VoiceFormatError } from './voice-errors.js'
import { detectVoiceFormat, type DecodedVoiceFormat } from './voice-format.js'

export { OptionalDependencyError, VoiceFormatError } from './voice-errors.js'

/** The optional package that encodes SILK; loaded only when `media.voiceFormat` is `'silk'`. */
export const SILK_PACKAGE = 'silk-wasm'

/** The part of `silk-wasm` (3.x) the conversion uses. */
export interface SilkCodec {
  /** WAV (sample rate read from its header when `sampleRate` is 0) or mono pcm_s16le → SILK. */
  encode(input: Uint8Array, sampleRate: number): Promise<{ data: Uint8Array; duration: number }>
  isSilk(data: Uint8Array): boolean
  isWav(data: Uint8Array): boolean
}

/** Loads `silk-wasm` (or `packageName`) with a dynamic import, so the core runs without it until SILK is asked for. */
export async function loadSilkCodec(packageName = SILK_PACKAGE): Promise<SilkCodec> {
  try {
    const loaded = (await import(packageName)) as Partial<SilkCodec> & { default?: Partial<SilkCodec> }
    const codec = typeof loaded.encode === 'function' ? loaded : loaded.default
    if (typeof codec?.encode !== 'function' || typeof codec.isSilk !== 'function' || typeof codec.isWav !== 'function')
      throw new Error(`${packageName} does not export encode, isSilk and isWav (expected version 3.x)`)
    return codec as SilkCodec
  } catch (cause) {
    const spec = packageName === SILK_PACKAGE ? `${SILK_PACKAGE}@3` : packageName
    throw new OptionalDependencyError(packageName, "media.voiceFormat: 'silk'", cause, spec)
  }
}

/** What {@link toSilk} loads lazily (only the pieces a voice needs) and how long a voice it converts. */
export interface SilkConversion {
  codec: () => Promise<SilkCodec>
  decoder: (format: DecodedVoiceFormat) => Promise<PcmDecoderFactory>
  /** The longest voice decoded to PCM (bounds the memory of a conversion). */
  maxSeconds: number
}

/**
 * The voice as SILK, its format found from its first bytes: SILK passes through, WAV goes to the encoder,
 * mp3, Ogg Opus, Ogg Vorbis and FLAC are decoded to mono PCM first; anything else is a {@link VoiceFormatError}.
 */
export async function toSilk(source: ByteSource, conversion: SilkConversion): Promise<ByteSource> {
  const bytes = await source.readAll()
  const detected = detectVoiceFormat(bytes)
  if (detected.format === 'silk') return source
  if (detected.format === undefined) throw new VoiceFormatError(source.name, detected.label)
  const format = detected.format
  const codec = await conversion.codec()
  let encoded: { data: Uint8Array }
  if (format === 'wav') {
    encoded = await codec.encode(bytes, 0)
  } else {
    const createDecoder = await conversion.decoder(format)
    const limits = { name: source.name, format, maxSeconds: conversion.maxSeconds }
    const { pcm, sampleRate } = await decodeToPcm(bytes, createDecoder(), limits)
    encoded = await codec.encode(pcm, sampleRate)
  }
  const name = source.name === undefined ? undefined : `${basename(source.name, extname(source.name))}.silk`
  return new MemoryByteSource(encoded.data, name)
}
