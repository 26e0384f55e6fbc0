import { basename, extname } from 'node:path'
import { QQBotError } from '../errors/qqbot-error.js'
import { MemoryByteSource, type ByteSource } from './byte-source.js'

/** The optional package that encodes SILK; loaded only when `media.voiceFormat` is `'silk'`. */
export const SILK_PACKAGE = 'silk-wasm'

/** The part of `silk-wasm` (3.x) the conversion uses. */
export interface SilkCodec {
  /** WAV (sample rate read from its header when `sampleRate` is 0) or mono pcm_s16le → SILK. */
  encode(input: Uint8Array, sampleRate: number): Promise<{ data: Uint8Array; duration: number }>
  isSilk(data: Uint8Array): boolean
  isWav(data: Uint8Array): boolean
}

/** An optional package a chosen option needs is not installed. */
export class OptionalDependencyError extends QQBotError {
  readonly packageName: string

  constructor(packageName: string, needed: string, cause: unknown) {
    super(
      'OPTIONAL_DEPENDENCY_MISSING',
      `${needed} needs the optional package ${packageName}, which could not be loaded. ` +
        `Install it next to your bot (npm install ${packageName}@3), or leave media.voiceFormat at 'as-is'.`,
      { cause },
    )
    this.packageName = packageName
  }
}

/** A voice that cannot be converted to SILK: the encoder takes WAV (or SILK, passed through) only. */
export class VoiceFormatError extends QQBotError {
  constructor(name: string | undefined) {
    super(
      'VOICE_FORMAT_UNSUPPORTED',
      `Cannot convert the voice${name ? ` ${name}` : ''} to SILK: only WAV (and SILK, sent as is) can be converted. ` +
        "Convert it to WAV first (for example with ffmpeg), or send it with media.voiceFormat: 'as-is'.",
    )
  }
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
    throw new OptionalDependencyError(packageName, "media.voiceFormat: 'silk'", cause)
  }
}

/** The voice as SILK: SILK passes through, WAV is encoded; anything else is a {@link VoiceFormatError}. */
export async function toSilk(source: ByteSource, codec: SilkCodec): Promise<ByteSource> {
  const bytes = await source.readAll()
  if (codec.isSilk(bytes)) return source
  if (!codec.isWav(bytes)) throw new VoiceFormatError(source.name)
  const { data } = await codec.encode(bytes, 0)
  const name = source.name === undefined ? undefined : `${basename(source.name, extname(source.name))}.silk`
  return new MemoryByteSource(data, name)
}
