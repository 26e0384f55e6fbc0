import type { Redis } from 'ioredis'
import { createClient, sleep, type ClientOptions, type DispatchedEvent, type QQBotClient } from '@qqbot/core'
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
  private stopping = false
  private failing = false

  constructor(private readonly options: IngressOptions) {
    this.client = createClient(options)
    this.stream = streamKey(options.namespace ?? options.appId, options, options.prefix)
    this.group = options.group ?? DEFAULT_GROUP
    this.maxLength = options.maxLength ?? 100_000
    this.client.onAny((event) => this.publish(event))
  }

  /** Creates the workers' group if needed (so nothing published from now on is missed), then connects. */
  async start(): Promise<void> {
    await ensureGroup(this.options.redis, this.stream, this.group)
    await this.client.start()
  }

  stop(): Promise<void> {
    this.stopping = true
    return this.client.stop()
  }

  /**
   * Appends the event, retrying while Redis is unreachable: the handler (and so the event's slot and the
   * shard's stored seq) waits, the pipeline fills, and the gateway stops reading until Redis is back.
   * Only a stop gives up, after {@link STOP_GIVE_UP_MS}.
   */
  private async publish(event: DispatchedEvent): Promise<void> {
    const fields = encodeEvent(event)
    let giveUpAt = Infinity
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.redis.xadd(this.stream, 'MAXLEN', '~', this.maxLength, '*', ...fields)
        break
      } catch (error) {
        if (this.stopping) giveUpAt = Math.min(giveUpAt, Date.now() + STOP_GIVE_UP_MS)
        if (Date.now() >= giveUpAt) {
          this.client.logger.error({ err: error, event: event.name, eventId: event.id }, 'stopping while Redis is unreachable: an event could not be appended and is lost')
          throw error
        }
        if (!this.failing) this.client.logger.error({ err: error }, 'cannot append events to the Redis stream; holding them and retrying')
        this.failing = true
        await sleep(Math.min(2_000, 100 * 2 ** attempt))
      }
    }
    if (this.failing) this.client.logger.info('appending events to the Redis stream again')
    this.failing = false
    this.client.metricsRegistry.inc('broker_published')
  }
}

const STOP_GIVE_UP_MS = 10_000

/** Starts nothing yet: `await createIngress(options).start()`. */
export function createIngress(options: IngressOptions): Ingress {
  return new Ingress(options)
}
