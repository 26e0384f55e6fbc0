import { QQBotError } from '../errors/qqbot-error.js'

const HINTS: Record<number, string> = {
  100007: 'The AppID is not valid. Copy it again from the QQ Open Platform console (开发设置).',
  100016:
    'The AppID/AppSecret pair was rejected. Check both values in the console; regenerate the AppSecret if unsure.',
  10004: 'No bot exists for this AppID (机器人不存在). Check the AppID.',
  100001: 'Too many token requests; the runtime retries with backoff.',
  100002: 'The token service had an internal error; the runtime retries with backoff.',
}

/** Fetching an access token failed. `platformCode` is the platform's numeric code when it sent one. */
export class TokenError extends QQBotError {
  readonly platformCode: number | undefined
  readonly status: number | undefined
  readonly transient: boolean

  constructor(
    message: string,
    details: { platformCode?: number; status?: number; transient: boolean; cause?: unknown },
  ) {
    const hint = details.platformCode !== undefined ? HINTS[details.platformCode] : undefined
    super('TOKEN_REQUEST_FAILED', hint ? `${message} ${hint}` : message, { cause: details.cause })
    this.platformCode = details.platformCode
    this.status = details.status
    this.transient = details.transient
  }
}

/** The token endpoint refused the AppID/AppSecret: retrying cannot help, the user must fix the configuration. */
export function isRejectedCredential(error: unknown): boolean {
  return error instanceof TokenError && !error.transient
}
