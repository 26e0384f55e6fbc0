import type { HostsOption } from '@qqbot/core'

/** What went wrong in the environment: the message names the variable and what to set it to. */
export class SettingsError extends Error {
  readonly code = 'INVALID_SETTINGS'

  constructor(message: string) {
    super(message)
    this.name = 'SettingsError'
  }
}

/** Everything the ingress and worker processes read from the environment. */
export interface Settings {
  appId: string
  secret: string
  /** The QQ hosts, or with QQBOT_API_URL another platform (a proxy, or the fake platform of a test). */
  hosts: HostsOption
  redisUrl: string
  /** The bot's gateway shard count: every process of the bot must use the same one. */
  shards: number
  healthPort: number
  healthHost: string
  /** This process's name in Redis (leases, the worker group) and the logs; must be unique. Default: a random one. */
  processName: string | undefined
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const appId = env.QQBOT_APP_ID
  const secret = env.QQBOT_APP_SECRET
  if (!appId || !secret) {
    throw new SettingsError(
      'Set QQBOT_APP_ID and QQBOT_APP_SECRET (from the QQ Open Platform console) to run the ingress and worker processes. Without them, `{{run}} dev` starts the local chat page.',
    )
  }
  return {
    appId,
    secret,
    hosts: hosts(env),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    shards: integer(env, 'QQBOT_SHARDS', 2, 1, 10_000),
    healthPort: integer(env, 'HEALTH_PORT', 9090, 0, 65_535),
    healthHost: env.HEALTH_HOST || '127.0.0.1',
    processName: env.PROCESS_NAME || undefined,
  }
}

function hosts(env: NodeJS.ProcessEnv): HostsOption {
  if (env.QQBOT_API_URL) {
    if (!/^https?:\/\/[^\s/]/.test(env.QQBOT_API_URL) || !URL.canParse(env.QQBOT_API_URL))
      throw new SettingsError(`QQBOT_API_URL must be a URL such as http://127.0.0.1:8080; got "${env.QQBOT_API_URL}".`)
    return { api: env.QQBOT_API_URL, ...(env.QQBOT_GATEWAY_URL ? { gateway: env.QQBOT_GATEWAY_URL } : {}) }
  }
  // QQBOT_SANDBOX=true: the platform's sandbox environment (only the sandbox guild/group set in the console).
  return env.QQBOT_SANDBOX === 'true' ? 'sandbox' : 'production'
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`)
  }
  return value
}
