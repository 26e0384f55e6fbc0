/** What went wrong, as a stable identifier (safe to switch on in scripts and tests). */
export type CreateQqbotErrorCode =
  | 'UNKNOWN_FLAG'
  | 'MISSING_VALUE'
  | 'INVALID_VALUE'
  | 'TOO_MANY_ARGUMENTS'
  | 'TARGET_NOT_EMPTY'
  | 'TARGET_NOT_DIRECTORY'
  | 'FILE_EXISTS'
  | 'INSTALL_FAILED'
  | 'PACKAGES_NOT_PUBLISHED'
  | 'NOT_A_QQBOT_CLONE'
  | 'CLONE_NOT_BUILT'
  | 'PACK_FAILED'
  | 'LOCKFILE_INCOMPLETE'
  | 'TEMPLATE_BROKEN'

/** An error the user can fix: the message says what was wrong and what to do. The CLI exits with 1. */
export class CreateQqbotError extends Error {
  readonly code: CreateQqbotErrorCode

  constructor(code: CreateQqbotErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** The user cancelled a prompt (Ctrl+C / Esc). The CLI exits with 130, like a shell after SIGINT. */
export class CancelledError extends Error {
  readonly code = 'CANCELLED'

  constructor(message = 'Cancelled: nothing was written.') {
    super(message)
    this.name = new.target.name
  }
}
