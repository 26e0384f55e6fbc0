import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino'
import { SecretScrubber } from './secret-scrubber.js'

export type { Logger }

/** Keys whose values are never logged, wherever they appear in a log object. */
export const REDACTED_PATHS = [
  'secret',
  'appSecret',
  'clientSecret',
  'token',
  'accessToken',
  'access_token',
  'authorization',
  'Authorization',
  '*.secret',
  '*.appSecret',
  '*.clientSecret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'd.token',
  'payload.d.token',
]

export interface LoggerOptions {
  /** Minimum level, default `info` (or `LOG_LEVEL` from the environment). */
  level?: LevelWithSilent
  /** Where lines go; default stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream | NodeJS.WritableStream
  /** Shared scrubber; the token manager adds every token it receives. */
  scrubber?: SecretScrubber
  /** Fields added to every line (for example `{ bot: appId }`). */
  base?: Record<string, unknown>
}

/**
 * Creates the framework's pino logger. Two layers keep secrets out: key-based redaction
 * (any `token`, `secret`, `authorization` field) and a value scrubber on the final line,
 * which catches a secret embedded in a message, a URL or an error text.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const scrubber = options.scrubber ?? new SecretScrubber()
  const target = options.destination ?? process.stdout
  const destination: DestinationStream = {
    write(line: string) {
      target.write(scrubber.scrub(line))
    },
  }
  const level = options.level ?? (process.env.LOG_LEVEL as LevelWithSilent | undefined) ?? 'info'
  return pino(
    {
      level,
      base: options.base ?? null,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Our error messages already say why (a TokenError names the connect failure); pino's default `err`
      // serializer appends every cause's message again. This one keeps the cause as a nested object instead.
      serializers: { err: pino.stdSerializers.errWithCause },
    },
    destination,
  )
}
