import { Redis } from 'ioredis'
import type { HostsOption } from '@qqbot/core'

/** Everything the processes read from the environment, with what a local run needs as defaults. */
export interface Settings {
  appId: string
  secret: string
  hosts: HostsOption
  redisUrl: string
  shards: number
  healthPort: number
  healthHost: string
  /** Between two identifies of one `max_concurrency` bucket, across the processes; unset: the client's default (5 s). */
  identifyIntervalMs: number | undefined
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const appId = env.QQBOT_APP_ID
  const secret = env.QQBOT_APP_SECRET
  if (!appId || !secret) {
    throw new Error(
      'Set QQBOT_APP_ID and QQBOT_APP_SECRET (for the local fake platform: the values `npm start` or docker compose pass).',
    )
  }
  const shards = Number(env.QQBOT_SHARDS ?? 2)
  if (!Number.isInteger(shards) || shards < 1)
    throw new Error(`QQBOT_SHARDS must be a positive integer; got "${env.QQBOT_SHARDS}".`)
  const identifyIntervalMs = env.IDENTIFY_INTERVAL_MS === undefined ? undefined : Number(env.IDENTIFY_INTERVAL_MS)
  if (identifyIntervalMs !== undefined && !(Number.isInteger(identifyIntervalMs) && identifyIntervalMs >= 0))
    throw new Error(`IDENTIFY_INTERVAL_MS must be a whole number of milliseconds; got "${env.IDENTIFY_INTERVAL_MS}".`)
  const healthPort = Number(env.HEALTH_PORT ?? 9090)
  if (!Number.isInteger(healthPort) || healthPort < 0 || healthPort > 65_535)
    throw new Error(`HEALTH_PORT must be a port number; got "${env.HEALTH_PORT}".`)
  return {
    appId,
    secret,
    // QQBOT_API_URL points at a fake platform (docker compose, npm start); otherwise the real QQ hosts.
    hosts: env.QQBOT_API_URL
      ? { api: env.QQBOT_API_URL, ...(env.QQBOT_GATEWAY_URL ? { gateway: env.QQBOT_GATEWAY_URL } : {}) }
      : env.QQBOT_SANDBOX === 'true'
        ? 'sandbox'
        : 'production',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    shards,
    healthPort,
    healthHost: env.HEALTH_HOST ?? '127.0.0.1',
    identifyIntervalMs,
  }
}

export function connectRedis(settings: Settings): Redis {
  const redis = new Redis(settings.redisUrl)
  redis.on('error', (error) => console.error(`redis: ${error.message}`))
  return redis
}

/** Stops on SIGINT/SIGTERM, once. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false
  const handler = () => {
    if (stopping) return
    stopping = true
    void stop().then(() => process.exit(0))
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
}
