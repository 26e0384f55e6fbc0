import { QQBotError } from '@qqbot/core'

/** PostgreSQL cannot be reached, or refused to set up the state table. */
export class PostgresUnavailableError extends QQBotError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      'POSTGRES_UNAVAILABLE',
      `Cannot use PostgreSQL for bot state: ${detail}. Check the connection string (e.g. POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test), that the server runs, and that the user may create the table.`,
      options,
    )
  }
}
