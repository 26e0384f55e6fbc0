import type { JsMsg } from '@nats-io/jetstream'
import { BrokerWorker, resolveBrokerWorkerOptions, type BrokerWorkerOptions } from '@qqbot/core/adapter'
import { JetStreamBroker, type Claim, type JetStreamBrokerOptions } from './jetstream-broker.js'
import type { JetStreamNames } from './names.js'

export interface NatsStreamSourceOptions extends JetStreamBrokerOptions, BrokerWorkerOptions {}

/**
 * The worker side of an ingress/worker split over NATS JetStream: pulls events from the stream's durable
 * consumer (shared by every worker) and feeds them to the bot's pipeline, so the same controllers run as in
 * a single process. The delivery guarantees are the broker-worker engine's ({@link BrokerWorker}); `blockMs`
 * is at least 1 s (JetStream's shortest pull), and `claimIdleMs` is the consumer's `ack_wait`.
 * ```ts
 * const bot = createBot({ appId, secret, controllers, source: new NatsStreamSource({ nats, namespace: appId }) })
 * ```
 */
export class NatsStreamSource extends BrokerWorker<JsMsg, Claim> {
  readonly names: JetStreamNames

  constructor(options: NatsStreamSourceOptions) {
    const settings = resolveBrokerWorkerOptions(options)
    const broker = new JetStreamBroker(options, settings)
    super('jetstream', broker, settings)
    this.names = broker.names
  }
}
