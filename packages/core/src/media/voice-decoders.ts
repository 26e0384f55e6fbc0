import { OptionalDependencyError } from './voice-errors.js'
import type { DecodedVoiceFormat } from './voice-format.js'

/** What one decode call of the wasm-audio-decoders family returns: planar float samples. */
export interface DecodedAudio {
  channelData: Float32Array[]
  samplesDecoded: number
  sampleRate: number
  errors?: readonly { message: string }[]
}

/** The part of a wasm-audio-decoders decoder the conversion uses; one instance per voice (they keep state). */
export interface PcmDecoder {
  ready: Promise<void>
  /** Takes the next chunk of the file; returns what it completed so far. */
  decode(chunk: Uint8Array): DecodedAudio | Promise<DecodedAudio>
  /** What is left after the last chunk (the Ogg and FLAC decoders buffer a page or frame). */
  flush?(): Promise<DecodedAudio>
  free(): void
}

/** Makes a fresh decoder for one voice. */
export type PcmDecoderFactory = () => PcmDecoder

/** The optional package (and the class in it) that decodes each format, and what `npm install` is told. */
export const VOICE_DECODERS: Readonly<
  Record<DecodedVoiceFormat, { packageName: string; className: string; installSpec: string }>
> = Object.freeze({
  mp3: { packageName: 'mpg123-decoder', className: 'MPEGDecoder', installSpec: 'mpg123-decoder@1' },
  'ogg-opus': { packageName: 'ogg-opus-decoder', className: 'OggOpusDecoder', installSpec: 'ogg-opus-decoder@1' },
  'ogg-vorbis': {
    packageName: '@wasm-audio-decoders/ogg-vorbis',
    className: 'OggVorbisDecoder',
    installSpec: '@wasm-audio-decoders/ogg-vorbis@0.1',
  },
  flac: {
    packageName: '@wasm-audio-decoders/flac',
    className: 'FLACDecoder',
    installSpec: '@wasm-audio-decoders/flac@0.2',
  },
})

/**
 * Loads the decoder of `format` with a dynamic import, so the core runs without it until such a voice is
 * converted. `packageName` replaces the package (tests point it at one that does not exist).
 */
export async function loadVoiceDecoder(
  format: DecodedVoiceFormat,
  packageName = VOICE_DECODERS[format].packageName,
): Promise<PcmDecoderFactory> {
  const { className, installSpec } = VOICE_DECODERS[format]
  try {
    const loaded = (await import(packageName)) as Record<string, unknown> & { default?: Record<string, unknown> }
    const Decoder = (loaded[className] ?? loaded.default?.[className]) as (new () => PcmDecoder) | undefined
    if (typeof Decoder !== 'function') throw new Error(`${packageName} does not export ${className}`)
    return () => new Decoder()
  } catch (cause) {
    const spec = packageName === VOICE_DECODERS[format].packageName ? installSpec : packageName
    throw new OptionalDependencyError(packageName, `Converting a ${format} voice to SILK`, cause, spec)
  }
}
