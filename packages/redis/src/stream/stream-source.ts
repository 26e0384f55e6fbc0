import { BrokerWorker, resolveBrokerWorkerOptions, type BrokerWorkerOptions } from '@qqbot/core/adapter'
import { RedisStreamBroker, type StreamBrokerOptions } from './stream-broker.js'

export interface RedisStreamSourceOptions extends StreamBrokerOptions, BrokerWorkerOptions {}

/**
 * The worker side of an ingress/worker split over a Redis stream: reads events as one consumer of the
 * workers' group and feeds them to the bot's pipeline, so the same controllers run as in a single process.
 * The delivery guarantees are the broker-worker engine's ({@link BrokerWorker}); entries of a worker that died
 * are taken over by another after `claimIdleMs` (XAUTOCLAIM).
 * ```ts
 * const bot = createBot({ appId, secret, controllers, source: new RedisStreamSource({ redis, namespace: appId }) })
 * ```
 */
export class RedisStreamSource extends BrokerWorker<string, string> {
  /** The stream key read. */
  readonly stream: string

  constructor(options: RedisStreamSourceOptions) {
    const settings = resolveBrokerWorkerOptions(options)
    const broker = new RedisStreamBroker(options, settings)
    super('redis-stream', broker, settings)
    this.stream = broker.stream
  }
}
