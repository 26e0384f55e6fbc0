import { ConfigError } from '../errors/qqbot-error.js'
import { Intents, isIntentName, type IntentName } from '../intents/intents.js'
import type { EventSource } from '../pipeline/event-envelope.js'
import type { ClientOptions } from './client-options.js'

/** Refuses options that cannot work, at `createClient`, each with what was wrong and what to write instead. */
export function validateOptions(options: ClientOptions): void {
  if (options === null || typeof options !== 'object')
    throw new ConfigError('createClient needs an options object: { appId, secret }.')
  if ('token' in options && options.token !== undefined) {
    throw new ConfigError(
      'The legacy `Bot appid.token` authentication was disabled by the QQ platform (error 11245). Pass the AppSecret instead: createClient({ appId, secret }).',
    )
  }
  for (const [name, label] of [
    ['appId', 'AppID (机器人ID)'],
    ['secret', 'AppSecret (机器人密钥)'],
  ] as const) {
    const value: unknown = options[name]
    // The secret's value is never echoed: error messages end up in logs.
    if (typeof value === 'number' || typeof value === 'bigint') {
      const fix = name === 'appId' ? `write appId: '${value}'` : 'pass it as a string'
      throw new ConfigError(`${name} must be a string, not a number: ${fix}.`)
    }
    if (typeof value !== 'string' || value.trim() === '')
      throw new ConfigError(`${name} is missing: pass the bot's ${label} from the console as a string.`)
  }
  if ('delivery' in options && options.delivery !== undefined) {
    const wanted = JSON.stringify(options.delivery)
    throw new ConfigError(
      `The option delivery was renamed source: pass source: ${wanted} instead of delivery: ${wanted} (source also takes an event source of your own).`,
    )
  }
  const { source } = options
  if (source !== undefined && source !== 'gateway' && source !== 'webhook' && !isEventSource(source)) {
    throw new ConfigError(
      `source must be 'gateway', 'webhook' or an event source (an object with kind, start() and stop()); got ${describe(source)}.`,
    )
  }
  // Intent names are checked here, not first when the gateway starts, so a typo fails at createClient.
  if (Array.isArray(options.intents)) bitsOf(options.intents)
  if (options.extraIntents !== undefined) bitsOf(options.extraIntents)
}

function isEventSource(value: unknown): value is EventSource {
  if (value === null || typeof value !== 'object') return false
  const candidate = value as Partial<EventSource>
  return typeof candidate.start === 'function' && typeof candidate.stop === 'function'
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : typeof value
}

/** The intent bits of intent names; an unknown name throws a `ConfigError` listing the valid ones. */
export function bitsOf(names: IntentName[]): number {
  let bits = 0
  for (const name of names) {
    if (!isIntentName(name))
      throw new ConfigError(`Unknown intent "${String(name)}". Valid intents: ${Object.keys(Intents).join(', ')}.`)
    bits |= Intents[name]
  }
  return bits
}
