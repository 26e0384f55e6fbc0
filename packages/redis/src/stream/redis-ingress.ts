import type { Redis } from 'ioredis'
import { BrokerIngress, type BrokerIngressOptions, type IngressPublisher } from '@qqbot/core/adapter'
import type { DispatchedEvent } from '@qqbot/core'
import { encodeEvent } from './stream-codec.js'
import { DEFAULT_GROUP, ensureGroup, streamKey, type StreamOptions } from './stream-options.js'

export interface RedisIngressOptions extends BrokerIngressOptions, StreamOptions {
  redis: Redis
  /** Keeps several bots apart in one Redis; default the AppID. */
  namespace?: string
  /** Key prefix, default `qqbot`. */
  prefix?: string
  /**
   * Retention: the stream is trimmed to about this many entries (XADD MAXLEN ~). Entries beyond it are
   * dropped even if no worker read them, so size it for the longest worker outage you want to survive.
   * Default 100,000.
   */
  maxLength?: number
}

/** Appends each event to the stream (XADD MAXLEN ~), after creating the workers' group. */
class StreamPublisher implements IngressPublisher {
  readonly target = 'the Redis stream'
  readonly stream: string
  private readonly group: string
  private readonly maxLength: number

  constructor(private readonly options: RedisIngressOptions) {
    this.stream = streamKey(options.namespace ?? options.appId, options, options.prefix)
    this.group = options.group ?? DEFAULT_GROUP
    this.maxLength = options.maxLength ?? 100_000
  }

  /** Creates the workers' group if needed, so nothing published from now on is missed. */
  prepare(): Promise<void> {
    return ensureGroup(this.options.redis, this.stream, this.group)
  }

  async publish(event: DispatchedEvent): Promise<void> {
    await this.options.redis.xadd(this.stream, 'MAXLEN', '~', this.maxLength, '*', ...encodeEvent(event))
  }
}

/**
 * The gateway (or webhook) side of an ingress/worker split over a Redis stream: holds the platform
 * connections, validates each event, and appends it to the stream (see {@link BrokerIngress}: a shard's
 * stored seq moves on only after Redis acknowledged the append, and while Redis is unreachable events wait).
 */
export class RedisIngress extends BrokerIngress {
  /** The stream key events are appended to. */
  readonly stream: string

  constructor(options: RedisIngressOptions) {
    const publisher = new StreamPublisher(options)
    super(options, publisher)
    this.stream = publisher.stream
  }
}

/** Starts nothing yet: `await createRedisIngress(options).start()`. */
export function createRedisIngress(options: RedisIngressOptions): RedisIngress {
  return new RedisIngress(options)
}
