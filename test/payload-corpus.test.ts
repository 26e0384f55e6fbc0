import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, KNOWN_EVENT_NAMES, type DispatchedEvent, type QQBotClient } from '@qqbot/core'
import { rawJson, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { CORPUS, DOCUMENTED, type CorpusEntry } from './corpus/payloads.js'
import { until } from './support/until.js'

function expectDelivered(entry: CorpusEntry, event: DispatchedEvent | undefined): void {
  expect(event, entry.title).toBeDefined()
  expect(event!.name, entry.title).toBe(entry.t)
  expect(event!.data, entry.title).toEqual(entry.expected)
  const odd = event!.nonconforming?.map(({ path, normalised }) => ({ path, normalised }))
  if (entry.nonconforming)
    expect(odd, entry.title).toEqual(
      expect.arrayContaining(entry.nonconforming.map((field) => expect.objectContaining(field))),
    )
  else expect(odd, entry.title).toBeUndefined()
  if (entry.nonconforming) expect(odd, entry.title).toHaveLength(entry.nonconforming.length)
}

interface Delivery {
  name: string
  start(platform: FakePlatform): Promise<{ client: QQBotClient; send(entry: CorpusEntry, id: string): Promise<void> }>
}

const deliveries: Delivery[] = [
  {
    name: 'gateway',
    async start(platform) {
      const client = createClient({
        appId: platform.appId,
        secret: platform.secret,
        hosts: { api: platform.url },
        logLevel: 'silent',
      })
      return { client, send: async (entry, id) => void platform.dispatch(entry.t, rawJson(entry.d), { id }) }
    },
  },
  {
    name: 'webhook',
    async start(platform) {
      const client = createClient({
        appId: platform.appId,
        secret: platform.secret,
        hosts: { api: platform.url },
        logLevel: 'silent',
        source: 'webhook',
        webhook: { port: 0, host: '127.0.0.1' },
      })
      return {
        client,
        send: async (entry, id) => {
          const reply = await platform.webhook.deliver(client.webhook.url!, entry.t, rawJson(entry.d), { id })
          expect(reply.status, entry.title).toBe(200)
        },
      }
    },
  },
]

it('the corpus has a documented payload for every event the platform dispatches', () => {
  const covered = new Set(DOCUMENTED.map((entry) => entry.t))
  expect(KNOWN_EVENT_NAMES.filter((name) => name !== 'READY' && name !== 'RESUMED' && !covered.has(name))).toEqual([])
})

describe.each(deliveries)('every payload of the corpus reaches its handler over the $name', (delivery) => {
  let platform: FakePlatform
  let client: QQBotClient
  let send: (entry: CorpusEntry, id: string) => Promise<void>
  const seen = new Map<string, DispatchedEvent>()

  beforeAll(async () => {
    platform = await startFakePlatform()
    ;({ client, send } = await delivery.start(platform))
    for (const name of new Set(CORPUS.map((entry) => entry.t)))
      client.on(name, (event: DispatchedEvent) => void seen.set(event.id!, event))
    await client.start()
  })

  afterAll(async () => {
    await client?.stop()
    await platform?.close()
  })

  it.each(CORPUS.map((entry, index) => [entry.title, entry, index] as const))('%s', async (_title, entry, index) => {
    const id = `corpus-${delivery.name}-${index}`
    await send(entry, id)
    await until(() => seen.has(id), 10_000, entry.title, 10)
    expectDelivered(entry, seen.get(id))
  })

  it('counts the odd fields: events_nonconforming adds up to the corpus', () => {
    const expected = CORPUS.reduce((sum, entry) => sum + (entry.nonconforming?.length ?? 0), 0)
    const counted = Object.values(client.metrics().counters.events_nonconforming ?? {}).reduce((sum, n) => sum + n, 0)
    expect(counted).toBe(expected)
  })
})
