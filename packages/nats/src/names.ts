/** Where events travel between ingress and workers on NATS, derived from one namespace (default the AppID). */
export interface JetStreamNames {
  /** JetStream stream holding the events: `QQBOT_<ns>`. */
  stream: string
  /** Subject the ingress publishes to: `qqbot.<ns>.events`. */
  subject: string
  /** Durable pull consumer every worker shares: `workers`. */
  consumer: string
  /** Key-value bucket of event claims and done marks: `qqbot_<ns>_events`. */
  bucket: string
}

export interface JetStreamNameOptions {
  /** Keeps several bots apart on one NATS server. */
  namespace: string
  /** Override the stream name. */
  stream?: string
  /** Override the subject. */
  subject?: string
  /** Override the durable consumer's name. Default `workers`. */
  consumer?: string
}

/** Stream, consumer and bucket names allow letters, digits, `-` and `_` only. */
function token(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_')
}

export function jetStreamNames(options: JetStreamNameOptions): JetStreamNames {
  const ns = token(options.namespace)
  return {
    stream: options.stream ?? `QQBOT_${ns}`,
    subject: options.subject ?? `qqbot.${ns}.events`,
    consumer: options.consumer ?? 'workers',
    bucket: `qqbot_${ns}_events`,
  }
}
