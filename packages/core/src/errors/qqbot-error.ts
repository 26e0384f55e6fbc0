/**
 * Base class of every error the framework throws or emits. `code` is a stable identifier
 * (safe to switch on, log and translate); `message` says what went wrong and what to do.
 */
export class QQBotError extends Error {
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** The bot was configured in a way that cannot work (missing AppID, legacy token, bad option). */
export class ConfigError extends QQBotError {
  constructor(message: string) {
    super('CONFIG_INVALID', message)
  }
}
