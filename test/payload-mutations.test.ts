import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClient,
  createLogger,
  QQBotError,
  replyTargetOf,
  type DispatchedEvent,
  type QQBotClient,
} from '@qqbot/core'
import { EventPipeline } from '../packages/core/src/pipeline/event-pipeline.js'
import { Metrics } from '../packages/core/src/metrics/metrics.js'
import { rawJson, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { CORPUS } from './corpus/payloads.js'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Every path into a JSON value (the root excluded), as key lists. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return []
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : Object.entries(value)
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])])
}

type Mutation = { kind: 'drop' } | { kind: 'retype'; to: Json } | { kind: 'add'; key: string; value: Json }

function mutate(value: Json, path: (string | number)[], mutation: Mutation): Json {
  const copy = structuredClone(value)
  if (path.length === 0) return mutation.kind === 'retype' ? mutation.to : copy
  let parent = copy as Record<string | number, Json>
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>
  const last = path.at(-1)!
  if (mutation.kind === 'drop') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1)
    else delete parent[last]
  } else if (mutation.kind === 'retype') parent[last] = mutation.to
  else if (parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last]))
    (parent[last] as Record<string, Json>)[mutation.key] = mutation.value
  return copy
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'drop' }),
  fc
    .oneof(
      fc.integer(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.constant([]),
      fc.constant({}),
      fc.constant(12345678901234567891n),
    )
    .map((to): Mutation => ({ kind: 'retype', to: (typeof to === 'bigint' ? Number(to) : to) as Json })),
  fc
    .record({ key: fc.string(), value: fc.jsonValue() })
    .map(({ key, value }): Mutation => ({ kind: 'add', key, value: value as Json })),
)

/** A corpus payload with up to three mutations at random paths (the root included, to retype the whole payload). */
const mutatedPayload = fc
  .record({
    entry: fc.integer({ min: 0, max: CORPUS.length - 1 }),
    steps: fc.array(fc.tuple(fc.nat(), mutationArb), { maxLength: 3 }),
  })
  .map(({ entry, steps }) => {
    const { t, d } = CORPUS[entry]!
    let payload = JSON.parse(d) as Json
    for (const [pick, mutation] of steps) {
      const paths = [[], ...pathsOf(payload)]
      payload = mutate(payload, paths[pick % paths.length]!, mutation)
    }
    return { t, payload }
  })

describe('mutated payloads (fast-check)', () => {
  it('every mutated dispatch is delivered once, reply routing never throws an untyped error, and the counters add up', async () => {
    const metrics = new Metrics()
    const delivered: DispatchedEvent[] = []
    // No dedupe: a retyped id may repeat across runs (the number 12345678901234567891n maps to, say), and a
    // second delivery of one message id is rightly dropped; each push here must be delivered.
    const pipeline = new EventPipeline({
      logger: createLogger({ level: 'silent' }),
      metrics,
      dedupeTtlMs: 0,
      handler: (event) => void delivered.push(event),
    })
    let pushed = 0
    let expectedOdd = 0
    await fc.assert(
      fc.asyncProperty(mutatedPayload, async ({ t, payload }) => {
        const before = delivered.length
        const id = `mutation-${pushed++}`
        // A fresh message id per push: the pipeline would (rightly) drop a second delivery of one message.
        if (
          payload !== null &&
          typeof payload === 'object' &&
          !Array.isArray(payload) &&
          typeof payload.id === 'string'
        )
          payload.id = `${payload.id}-${id}`
        expect(() =>
          pipeline.push({ name: t, id, data: payload, source: 'fuzz', receivedAt: Date.now() }),
        ).not.toThrow()
        await pipeline.idle()
        expect(delivered.length).toBe(before + 1)
        const event = delivered.at(-1)!
        expect(event.id).toBe(id)
        expectedOdd += event.nonconforming?.length ?? 0
        try {
          replyTargetOf(event)
        } catch (error) {
          expect.fail(`reply routing threw ${String(error)}`)
        }
      }),
      { numRuns: 400 },
    )
    const counters = metrics.snapshot().counters
    expect(counters.events_received?.['source="fuzz"']).toBe(pushed)
    expect(Object.values(counters.events_dispatched ?? {}).reduce((a, b) => a + b, 0)).toBe(pushed)
    expect(Object.values(counters.events_nonconforming ?? {}).reduce((a, b) => a + b, 0)).toBe(expectedOdd)
  })
})

/** How a batch of mutated payloads reaches the bot. */
const deliveries = [
  { name: 'gateway', webhook: false },
  { name: 'webhook', webhook: true },
] as const

describe.each(deliveries)('mutated payloads over the $name', ({ name, webhook }) => {
  let platform: FakePlatform
  let client: QQBotClient
  const seen = new Map<string, DispatchedEvent>()
  const replyErrors: unknown[] = []

  beforeAll(async () => {
    platform = await startFakePlatform()
    client = createClient({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'silent',
      ...(webhook && { source: 'webhook' as const, webhook: { port: 0, host: '127.0.0.1' } }),
    })
    client.onAny(async (event) => {
      seen.set(event.id!, event)
      // Answer what can be answered: a payload missing its reply target must fail with a typed error.
      if (replyTargetOf(event) || event.nonconforming)
        await client.reply(event, 'ok').catch((error: unknown) => void replyErrors.push(error))
    })
    await client.start()
  })

  afterAll(async () => {
    await client?.stop()
    await platform?.close()
  })

  it('a batch of mutated payloads all reach the handler, and the bot keeps taking events', async () => {
    const samples = fc.sample(mutatedPayload, { numRuns: 150, seed: 20261204 })
    const ids = await Promise.all(
      samples.map(async ({ t, payload }, i) => {
        const id = `${name}-mutation-${i}`
        if (
          payload !== null &&
          typeof payload === 'object' &&
          !Array.isArray(payload) &&
          typeof payload.id === 'string'
        )
          payload.id = `${payload.id}-${id}`
        if (webhook)
          expect(
            (await platform.webhook.deliver(client.webhook.url!, t, rawJson(JSON.stringify(payload)), { id })).status,
          ).toBe(200)
        else platform.dispatch(t, rawJson(JSON.stringify(payload)), { id })
        return id
      }),
    )
    const deadline = Date.now() + 15_000
    while (ids.some((id) => !seen.has(id)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20))
    expect(ids.filter((id) => !seen.has(id))).toEqual([])
    await client.idle()
    for (const error of replyErrors) expect(error, String(error)).toBeInstanceOf(QQBotError)
    // The seeded sample does produce payloads missing a reply target: the check above is not vacuous.
    expect(replyErrors.some((error) => (error as QQBotError).code === 'REPLY_TARGET_MISSING')).toBe(true)
    expect([...seen.values()].filter((event) => event.nonconforming).length).toBeGreaterThan(10)
    expect(client.metrics().counters.frames_malformed ?? {}).toEqual({})
  })
})
