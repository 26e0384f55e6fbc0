import { QQBotError } from '@qqbot/core'

/** The NATS server cannot hold the events: JetStream is off, or the stream cannot be created or reached. */
export class JetStreamSetupError extends QQBotError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      'JETSTREAM_UNAVAILABLE',
      `Cannot set up the JetStream stream: ${detail}. Check that the NATS server runs with JetStream enabled (nats-server -js) and that the connection may use it.`,
      options,
    )
  }
}
