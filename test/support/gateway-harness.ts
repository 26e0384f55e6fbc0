import { createClient, type ClientOptions, type QQBotClient } from '@qqbot/core'
import { groupAtMessage, startFakePlatform, type FakePlatform, type FakePlatformOptions } from '@qqbot/fake-platform'

/** A bot on the core runtime connected to a fresh fake platform, counting how often each message id was handled. */
export interface GatewayHarness {
  platform: FakePlatform
  client: QQBotClient
  /** message id → times the handler ran for it */
  handled: Map<string, number>
  /** Dispatches `count` group messages, optionally running `fault` after `faultAfter` of them; returns their ids. */
  burst(
    count: number,
    options?: { faultAfter?: number; fault?: () => void | Promise<void>; shard?: number; shardCount?: number },
  ): Promise<string[]>
  /** Resolves when every id was handled at least once (or rejects after `timeoutMs`). */
  waitForHandled(ids: string[], timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function startGatewayHarness(
  options: {
    platform?: FakePlatformOptions
    client?: Partial<ClientOptions>
    start?: boolean
    handler?: (id: string) => unknown
  } = {},
): Promise<GatewayHarness> {
  const platform = await startFakePlatform({
    heartbeatIntervalMs: 100,
    reconnectCloseDelayMs: 200,
    ...options.platform,
  })
  const handled = new Map<string, number>()
  const client = createClient({
    appId: platform.appId,
    secret: platform.secret,
    hosts: { api: platform.url },
    logLevel: 'silent',
    gateway: {
      identifyIntervalMs: 0,
      backoff: { baseMs: 20, maxMs: 200 },
      rateLimitDelayMs: 50,
      handshakeTimeoutMs: 5_000,
    },
    ...options.client,
  })
  client.on('GROUP_AT_MESSAGE_CREATE', (event) => {
    handled.set(event.data.id, (handled.get(event.data.id) ?? 0) + 1)
    return options.handler?.(event.data.id)
  })
  if (options.start !== false) await client.start()

  const burst: GatewayHarness['burst'] = async (count, { faultAfter, fault, shard, shardCount } = {}) => {
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      if (i === faultAfter) await fault?.()
      // From 64 members: one member's events run one at a time (pipeline.order), a burst uses every slot.
      const event = groupAtMessage({ content: `/ping ${i}`, memberOpenid: `burst-member-${i % 64}` })
      ids.push((event.d as { id: string }).id)
      platform.dispatch(event.t, event.d, { shard, shardCount })
      // Yield now and then so the fault lands mid-stream rather than after everything was written.
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve))
    }
    return ids
  }

  const waitForHandled: GatewayHarness['waitForHandled'] = async (ids, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs
    while (ids.some((id) => !handled.has(id))) {
      if (Date.now() > deadline) {
        const missing = ids.filter((id) => !handled.has(id)).length
        throw new Error(
          `${missing} of ${ids.length} events were never handled (shards: ${JSON.stringify(client.shards)})`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  return {
    platform,
    client,
    handled,
    burst,
    waitForHandled,
    async close() {
      await client.stop()
      await platform.close()
    },
  }
}
