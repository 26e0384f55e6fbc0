import { QQBotError } from '../errors/qqbot-error.js'

/** An optional package a chosen option needs is not installed. */
export class OptionalDependencyError extends QQBotError {
  readonly packageName: string

  /** `installSpec` is what `npm install` is told (default the package name); `needed` says what asked for it. */
  constructor(packageName: string, needed: string, cause: unknown, installSpec = packageName) {
    super(
      'OPTIONAL_DEPENDENCY_MISSING',
      `${needed} needs the optional package ${packageName}, which could not be loaded. ` +
        `Install it next to your bot (npm install ${installSpec}), or leave media.voiceFormat at 'as-is'.`,
      { cause },
    )
    this.packageName = packageName
  }
}

/** What each convertible voice format needs, for the message of {@link VoiceFormatError}. */
const SUPPORTED =
  'SILK (sent as is), WAV (silk-wasm), mp3 (silk-wasm + mpg123-decoder), Ogg Opus (silk-wasm + ogg-opus-decoder), ' +
  'Ogg Vorbis (silk-wasm + @wasm-audio-decoders/ogg-vorbis) and FLAC (silk-wasm + @wasm-audio-decoders/flac)'

/** A voice that cannot be converted to SILK: its format (found from its first bytes) has no decoder here. */
export class VoiceFormatError extends QQBotError {
  /** What the first bytes look like (`'m4a/mp4'`, `'unknown'`, …). */
  readonly detected: string

  constructor(name: string | undefined, detected = 'unknown') {
    super(
      'VOICE_FORMAT_UNSUPPORTED',
      `Cannot convert the voice${name ? ` ${name}` : ''} (${detected}) to SILK. Formats converted: ${SUPPORTED}. ` +
        "Convert it to one of them first (for example with ffmpeg), or send it with media.voiceFormat: 'as-is'.",
    )
    this.detected = detected
  }
}

/** A voice that decodes to more than `media.voiceMaxSeconds`: refused before the PCM outgrows its bound. */
export class VoiceTooLongError extends QQBotError {
  readonly maxSeconds: number

  constructor(name: string | undefined, maxSeconds: number) {
    super(
      'VOICE_TOO_LONG',
      `The voice${name ? ` ${name}` : ''} is longer than ${maxSeconds} s, the most converted to SILK ` +
        '(media.voiceMaxSeconds). Shorten it, raise media.voiceMaxSeconds, or send it as SILK already.',
    )
    this.maxSeconds = maxSeconds
  }
}

/** A voice whose bytes look like a known format but do not decode (truncated or corrupt). */
export class VoiceDecodeError extends QQBotError {
  constructor(name: string | undefined, format: string, detail: string) {
    super(
      'VOICE_DECODE_FAILED',
      `The voice${name ? ` ${name}` : ''} looks like ${format} but could not be decoded (${detail}). ` +
        'Check that the file is complete, or convert it to WAV first.',
    )
  }
}
