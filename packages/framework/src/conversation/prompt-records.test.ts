import { describe, expect, it } from 'vitest'
import { createLogger, MemoryStateStorage, type StateStorage } from '@qqbot/core'
import type { Clock } from '../util/clock.js'
import { PROMPT_RECORD_PREFIX, PROMPTS_IN_USE_KEY, PromptRecords } from './prompt-records.js'

const KEY = 'group:g1:alice'
const logger = createLogger({ level: 'silent' })

/** A memory storage on a clock the test moves, counting the reads it serves. */
function setup() {
  let now = 1_000_000
  const clock: Clock = { now: () => now, setTimeout: () => undefined, clearTimeout: () => undefined }
  const memory = new MemoryStateStorage(() => now)
  const counts = { reads: 0, writes: 0 }
  const storage: StateStorage = {
    read: (key) => (counts.reads++, memory.read(key)),
    write: (...args) => (counts.writes++, memory.write(...args)),
    delete: (key, version) => memory.delete(key, version),
  }
  const records = () => new PromptRecords(storage, clock, logger)
  const stored = async () => {
    const entry = await memory.read(PROMPT_RECORD_PREFIX + KEY)
    return entry && (JSON.parse(entry.json) as unknown)
  }
  return { storage, records, stored, counts, advance: (ms: number) => void (now += ms) }
}

/** Until every background call of `records` settled (stop() waits for them). */
const settled = (records: PromptRecords) => records.stop()

describe('PromptRecords', () => {
  it('GIVEN a question asked THEN its record holds the command, deadline and instance until it ends', async () => {
    const { records, stored } = setup()
    const asker = records()
    await asker.asked(KEY, 'order', 60_000)
    expect(await stored()).toEqual({ command: 'order', deadline: 1_000_000 + 60_000, instance: asker.instance })
    asker.ended(KEY)
    await settled(asker)
    expect(await stored()).toBeUndefined()
  })

  it('GIVEN a question nobody answers THEN its record is gone at the deadline (TTL), even if the asker died', async () => {
    const { records, stored, advance } = setup()
    await records().asked(KEY, 'order', 60_000)
    advance(59_999)
    expect(await stored()).toBeDefined()
    advance(1)
    expect(await stored()).toBeUndefined()
  })

  it('GIVEN the record of a gone instance THEN the first message takes it, and the next finds nothing', async () => {
    const { records, stored } = setup()
    await records().asked(KEY, 'order', 60_000)
    const successor = records()
    await successor.start()
    expect(await successor.takeInterrupted(KEY)).toMatchObject({ command: 'order' })
    expect(await stored()).toBeUndefined()
    expect(await successor.takeInterrupted(KEY)).toBeUndefined()
  })

  it("GIVEN this instance's own record (its question just ended) THEN it is no interruption and stays for its delete", async () => {
    const { records, stored } = setup()
    const asker = records()
    await asker.asked(KEY, 'order', 60_000)
    expect(await asker.takeInterrupted(KEY)).toBeUndefined()
    expect(await stored()).toBeDefined()
  })

  it('GIVEN a newer question to the same user THEN the older one ending does not remove the newer record', async () => {
    const { records, stored } = setup()
    const asker = records()
    void asker.asked(KEY, 'order', 60_000)
    asker.ended(KEY)
    void asker.asked(KEY, 'survey', 60_000)
    await settled(asker)
    expect(await stored()).toMatchObject({ command: 'survey' })
  })

  it('GIVEN the bot stops while a question waits THEN the record stays for whoever gets the answer', async () => {
    const { records, stored } = setup()
    const asker = records()
    await asker.asked(KEY, 'order', 60_000)
    await asker.stop()
    asker.ended(KEY)
    await settled(asker)
    expect(await stored()).toMatchObject({ command: 'order' })
  })

  it('GIVEN a bot that never asked THEN messages read nothing; once it asked, a message with no record costs one read', async () => {
    const { records, counts } = setup()
    const bot = records()
    await bot.start()
    expect(counts.reads).toBe(1) // the marker, at start
    for (let i = 0; i < 100; i++) expect(bot.watches()).toBe(false)
    expect(counts.reads).toBe(1)
    await bot.asked('c2c:bob:bob', 'order', 60_000)
    expect(bot.watches()).toBe(true)
    const before = counts.reads
    expect(await bot.takeInterrupted(KEY)).toBeUndefined()
    expect(counts.reads - before).toBe(1)
  })

  it('GIVEN a process of the bot asked before THEN a new process watches from its first message (the marker)', async () => {
    const { records, storage } = setup()
    await records().asked(KEY, 'order', 60_000)
    expect(await storage.read(PROMPTS_IN_USE_KEY)).toBeDefined()
    const restarted = records()
    await restarted.start()
    expect(restarted.watches()).toBe(true)
  })

  it('GIVEN a process started before the bot first asked THEN it looks for the marker again after 30 s, not per message', async () => {
    const { records, counts, advance } = setup()
    const early = records()
    await early.start()
    await records().asked(KEY, 'order', 60_000)
    const reads = counts.reads
    expect(early.watches()).toBe(false)
    advance(29_999)
    expect(early.watches()).toBe(false)
    expect(counts.reads).toBe(reads)
    advance(1)
    expect(early.watches()).toBe(false) // the read is under way
    await expect.poll(() => early.watches()).toBe(true)
    expect(counts.reads).toBe(reads + 1)
  })

  it('GIVEN a storage that fails THEN asking still resolves and a message goes on as unrecorded', async () => {
    const failing: StateStorage = {
      read: () => Promise.reject(new Error('down')),
      write: () => Promise.reject(new Error('down')),
      delete: () => Promise.reject(new Error('down')),
    }
    const bot = new PromptRecords(failing, { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined }, logger)
    await expect(bot.asked(KEY, 'order', 60_000)).resolves.toBeUndefined()
    await expect(bot.takeInterrupted(KEY)).resolves.toBeUndefined()
  })
})
