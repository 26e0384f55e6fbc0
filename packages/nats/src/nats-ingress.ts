import { jetstream, type JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { createClient, eventDedupeKey, EventForwarder, type ClientOptions, type QQBotClient } from '@qqbot/core'
import { encodeEvent } from './event-codec.js'
import { jetStreamNames, type JetStreamNameOptions, type JetStreamNames } from './names.js'
import { ensureStream, type RetentionOptions } from './stream-setup.js'

export interface NatsIngressOptions extends ClientOptions, RetentionOptions, Partial<JetStreamNameOptions> {
  /** A connection from `connect()` of `@nats-io/transport-node`; the ingress does not close it. */
  nats: NatsConnection
  /**
   * The intents to identify with. An ingress runs no handlers to derive them from: pass the workers' bot's
   * `bot.client.intents` (a bot built with the same controllers, never started), or intent names.
   */
  intents: NonNullable<ClientOptions['intents']>
}

/**
 * The gateway (or webhook) side of an ingress/worker split over NATS JetStream: holds the platform
 * connections, validates each event and publishes it to the stream. A shard's stored seq moves on only
 * after JetStream acknowledged the publish (the event is stored), so a crashed ingress loses nothing; an
 * event published twice (a retry, a replay after a takeover) carries its dedupe key as `Nats-Msg-Id` and is
 * stored once within the stream's duplicate window.
 */
export class NatsIngress {
  readonly client: QQBotClient
  readonly names: JetStreamNames
  private readonly forwarder: EventForwarder
  private readonly js: JetStreamClient

  constructor(private readonly options: NatsIngressOptions) {
    this.client = createClient(options)
    this.names = jetStreamNames({ ...options, namespace: options.namespace ?? options.appId })
    this.js = jetstream(options.nats)
    this.forwarder = new EventForwarder(this.client, {
      target: 'JetStream',
      publish: async (event) => {
        const msgID = eventDedupeKey(event.name, event.id, event.data)
        try {
          await this.js.publish(this.names.subject, encodeEvent(event), msgID === undefined ? undefined : { msgID })
        } catch (error) {
          // No stream answers when it was deleted (or the server lost it): create it again before the retry.
          await ensureStream(options.nats, this.names, options).catch(() => undefined)
          throw error
        }
      },
    })
  }

  /** Creates the stream if needed, then connects to the platform. */
  async start(): Promise<void> {
    await ensureStream(this.options.nats, this.names, this.options)
    await this.client.start()
  }

  stop(): Promise<void> {
    this.forwarder.beginStop()
    return this.client.stop()
  }
}

/** Starts nothing yet: `await createNatsIngress(options).start()`. */
export function createNatsIngress(options: NatsIngressOptions): NatsIngress {
  return new NatsIngress(options)
}
