import type { Redis } from 'ioredis'
import { createClient, EventForwarder, type ClientOptions, type QQBotClient } from '@qqbot/core'
import { encodeEvent } from './stream-codec.js'
import { DEFAULT_GROUP, ensureGroup, streamKey, type StreamOptions } from './stream-options.js'

export interface IngressOptions extends ClientOptions, StreamOptions {
  redis: Redis
  /** Keeps several bots apart in one Redis; default the AppID. */
  namespace?: string
  /** Key prefix, default `qqbot`. */
  prefix?: string
  /**
   * The intents to identify with. An ingress runs no handlers to derive them from: pass the workers' bot's
   * `bot.client.intents` (a bot built with the same controllers, never started), or intent names.
   */
  intents: NonNullable<ClientOptions['intents']>
  /**
   * Retention: the stream is trimmed to about this many entries (XADD MAXLEN ~). Entries beyond it are
   * dropped even if no worker read them, so size it for the longest worker outage you want to survive.
   * Default 100,000.
   */
  maxLength?: number
}

/**
 * The gateway (or webhook) side of an ingress/worker split: holds the platform connections, validates each
 * event, and appends it to a Redis stream. A shard's stored seq moves on only after the append is
 * acknowledged by Redis, so a crashed ingress loses nothing: its successor is replayed the rest.
 */
export class Ingress {
  readonly client: QQBotClient
  readonly stream: string
  private readonly group: string
  private readonly maxLength: number
  private readonly forwarder: EventForwarder

  constructor(private readonly options: IngressOptions) {
    this.client = createClient(options)
    this.stream = streamKey(options.namespace ?? options.appId, options, options.prefix)
    this.group = options.group ?? DEFAULT_GROUP
    this.maxLength = options.maxLength ?? 100_000
    // Appends each event, retrying while Redis is unreachable (see EventForwarder): nothing is dropped.
    this.forwarder = new EventForwarder(this.client, {
      target: 'the Redis stream',
      publish: async (event) =>
        void (await options.redis.xadd(this.stream, 'MAXLEN', '~', this.maxLength, '*', ...encodeEvent(event))),
    })
  }

  /** Creates the workers' group if needed (so nothing published from now on is missed), then connects. */
  async start(): Promise<void> {
    await ensureGroup(this.options.redis, this.stream, this.group)
    await this.client.start()
  }

  stop(): Promise<void> {
    this.forwarder.beginStop()
    return this.client.stop()
  }
}

/** Starts nothing yet: `await createIngress(options).start()`. */
export function createIngress(options: IngressOptions): Ingress {
  return new Ingress(options)
}
