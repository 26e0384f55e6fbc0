import { QQBotError } from '@qqbot/core'

/** The sandbox page could not listen because another process holds the port. */
export class SandboxPortInUseError extends QQBotError {
  constructor(
    readonly port: number,
    readonly host: string,
    options?: { cause?: unknown },
  ) {
    super(
      'SANDBOX_PORT_IN_USE',
      `Port ${port} on ${host} is already in use, so the sandbox page cannot start. ` +
        `Stop the program using it, or choose another port: QQBOT_SANDBOX_PORT=${port === 65_535 ? 3001 : port + 1} npm start ` +
        `(or startSandbox({ port: 0 }) for any free port).`,
      options,
    )
  }
}

/** `port` (or QQBOT_SANDBOX_PORT) is not a port number. */
export class SandboxPortInvalidError extends QQBotError {
  constructor(value: string, source: 'QQBOT_SANDBOX_PORT' | 'port') {
    super(
      'SANDBOX_PORT_INVALID',
      `${source} must be a whole number from 0 to 65535 (0 picks any free port); got ${JSON.stringify(value)}. ` +
        (source === 'QQBOT_SANDBOX_PORT'
          ? 'Fix or unset the environment variable (default 3000).'
          : 'Pass a valid `port` to startSandbox().'),
    )
  }
}
