import type { GatewayFrame, RecordedCall } from '@qqbot/fake-platform'

/** One line of the page's traffic panel. */
export interface LogEntry {
  seq: number
  at: number
  /** `dev`: a line from the bot's code, e.g. a plugin reloaded in place under `npm run dev`. */
  kind: 'gateway' | 'rest' | 'dev'
  text: string
  /** The frame or call as JSON, secrets redacted (the line expands to it). */
  detail?: string
  /** A heartbeat or its ACK (the panel can hide them). */
  heartbeat?: boolean
  /** For a call that replies to a user's message: ms since the sandbox dispatched that message. */
  latencyMs?: number
}

export type LogDetails = Pick<LogEntry, 'detail' | 'heartbeat' | 'latencyMs'>

const MAX_LOG_ENTRIES = 1_000

const OP_NAMES: Record<number, string> = {
  0: 'Dispatch',
  1: 'Heartbeat',
  2: 'Identify',
  6: 'Resume',
  7: 'Reconnect',
  9: 'Invalid Session',
  10: 'Hello',
  11: 'Heartbeat ACK',
  12: 'HTTP Callback ACK',
  13: 'Callback Validation',
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}

/**
 * A one-line summary of a gateway frame. Built from chosen fields only: identify and resume frames carry
 * the bot's access token, which never reaches the page.
 */
export function describeFrame(frame: GatewayFrame): string {
  const p = record(frame.payload)
  const who = frame.direction === 'in' ? 'bot →' : 'platform →'
  const op = typeof p.op === 'number' ? p.op : undefined
  const name = op === undefined ? 'frame without op' : `op ${op} ${OP_NAMES[op] ?? 'unknown'}`
  const d = record(p.d)
  switch (op) {
    case 0:
      return `${who} ${typeof p.t === 'string' ? p.t : 'Dispatch'}${typeof p.s === 'number' ? ` s=${p.s}` : ''}${typeof p.id === 'string' ? ` id=${p.id}` : ''}`
    case 1:
      return `${who} ${name} d=${typeof p.d === 'number' ? p.d : 'null'}`
    case 2:
      return `${who} ${name} intents=${typeof d.intents === 'number' ? d.intents : '?'} shard=${JSON.stringify(Array.isArray(d.shard) ? d.shard : null)}`
    case 6:
      return `${who} ${name} seq=${typeof d.seq === 'number' ? d.seq : '?'}`
    case 10:
      return `${who} ${name} heartbeat_interval=${typeof d.heartbeat_interval === 'number' ? d.heartbeat_interval : '?'}`
    default:
      return `${who} ${name}`
  }
}

/** `METHOD /path → status`: never headers or bodies (they carry the token and the AppSecret). */
export function describeCall(call: RecordedCall): string {
  return `${call.method} ${call.path} → ${call.status}${call.injected ? ' (injected fault)' : ''}`
}

/** The traffic panel's lines, bounded. */
export class TrafficLog {
  private readonly entries: LogEntry[] = []
  private seq = 0

  add(kind: LogEntry['kind'], text: string, details: LogDetails = {}): LogEntry {
    const entry = { seq: ++this.seq, at: Date.now(), kind, text, ...details }
    this.entries.push(entry)
    if (this.entries.length > MAX_LOG_ENTRIES) this.entries.shift()
    return entry
  }

  recent(count = 200): LogEntry[] {
    return this.entries.slice(-count)
  }
}
