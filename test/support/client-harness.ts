import { afterEach } from 'vitest'
import { createClient, type ClientOptions, type QQBotClient } from '@qqbot/core'
import { startFakePlatform, type FakePlatform, type FakePlatformOptions } from '@qqbot/fake-platform'

export interface ClientOnPlatform {
  platform: FakePlatform
  client: QQBotClient
}

/**
 * A core client on a fresh fake platform, for tests: call it at the top of a test file; every `start()` gets
 * a new pair (not started: subscribe first, then `client.start()`), stopped and closed after each test.
 */
export function useClientOnPlatform(): (options?: { client?: Partial<ClientOptions>; platform?: FakePlatformOptions }) => Promise<ClientOnPlatform> {
  const started: ClientOnPlatform[] = []
  afterEach(async () => {
    for (const { client, platform } of started.splice(0)) {
      await client.stop()
      await platform.close()
    }
  })
  return async (options = {}) => {
    const platform = await startFakePlatform(options.platform)
    const client = createClient({ appId: platform.appId, secret: platform.secret, hosts: { api: platform.url }, logLevel: 'silent', ...options.client })
    started.push({ platform, client })
    return { platform, client }
  }
}
