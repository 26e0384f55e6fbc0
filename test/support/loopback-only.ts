/**
 * Tests talk to the fake platform (and local Redis, NATS, chromium) on this machine only. Every outgoing TCP
 * connection of a test process is checked here: one to any other host fails at once, so no test can reach a
 * real QQ host (`api.bot.qq.com`, `api.sgroup.qq.com`, `bots.qq.com`) even by mistake.
 */
import net from 'node:net'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1'])

/** Thrown (asynchronously, as a socket error) for a connection to a host that is not this machine. */
export class OutsideNetworkError extends Error {
  readonly code = 'TEST_OUTSIDE_NETWORK'
  constructor(host: string) {
    super(
      `A test tried to connect to ${host}: tests may reach 127.0.0.1 only (point the client at the fake platform with hosts: { api: platform.url }).`,
    )
  }
}

function hostOf(args: unknown[]): string | undefined {
  const [first, second] = args
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    const options = first as { host?: string; path?: string }
    if (options.path !== undefined) return undefined // a Unix socket
    return options.host ?? 'localhost'
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined // a Unix socket path
  return typeof second === 'string' ? second : 'localhost'
}

// A setup file runs before every test file, and the files of one worker share its modules (isolate: false):
// the guard goes in once per process, not once more per file.
const GUARDED = Symbol.for('qqbot.test.loopbackOnly')
const prototype = net.Socket.prototype as typeof net.Socket.prototype & { [GUARDED]?: true }
if (!prototype[GUARDED]) {
  const connect = prototype.connect
  prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const host = hostOf(args)
    if (host !== undefined && !LOOPBACK.has(host) && !host.startsWith('127.')) {
      process.nextTick(() => this.destroy(new OutsideNetworkError(host)))
      return this
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args)
  } as typeof net.Socket.prototype.connect
  prototype[GUARDED] = true
}
