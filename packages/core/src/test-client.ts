/**
 * For the core's own tests (not built, not published): a client on a fresh fake platform, stopped and closed
 * after each test. Call it at the top of a test file or describe block.
 */
import { afterEach } from 'vitest'
import { startFakePlatform, type FakePlatform, type FakePlatformOptions } from '@qqbot/fake-platform'
import type { ClientOptions } from './client/client-options.js'
import { createClient, type QQBotClient } from './client/qqbot-client.js'

export interface ClientOnPlatform {
  platform: FakePlatform
  client: QQBotClient
}

export function useClientOnPlatform(
  defaults: Partial<ClientOptions> = {},
): (options?: { client?: Partial<ClientOptions>; platform?: FakePlatformOptions }) => Promise<ClientOnPlatform> {
  const started: ClientOnPlatform[] = []
  afterEach(async () => {
    for (const { client, platform } of started.splice(0)) {
      await client.stop()
      await platform.close()
    }
  })
  return async (options = {}) => {
    const platform = await startFakePlatform(options.platform)
    const client = createClient({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'silent',
      ...defaults,
      ...options.client,
    })
    started.push({ platform, client })
    return { platform, client }
  }
}
