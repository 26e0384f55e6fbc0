import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Logger } from 'pino'
import { MemorySessionStore, type SessionStore } from '../session/session-store.js'
import { SessionPersister } from './session-persister.js'

const KEY = 'app:0/1'

function logger() {
  return { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() }
}

function persister(
  sessions: SessionStore,
  options: { stopping?: () => boolean; log?: ReturnType<typeof logger> } = {},
) {
  return new SessionPersister({
    shardId: 0,
    shardCount: 1,
    sessions,
    sessionKey: KEY,
    logger: (options.log ?? logger()) as unknown as Logger,
    signal: new AbortController().signal,
    stopping: options.stopping ?? (() => false),
  })
}

/** A store whose loads fail `failures` times before answering from `inner`. */
function flakyStore(inner: MemorySessionStore, failures: number): SessionStore & { loads: number } {
  return {
    loads: 0,
    load(key) {
      this.loads++
      if (failures-- > 0) throw new Error('ECONNRESET')
      return inner.load(key)
    },
    save: (key, session) => inner.save(key, session),
    clear: (key) => inner.clear(key),
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('SessionPersister', () => {
  it('GIVEN a stored session THEN it is restored, resumed from the stored seq, and events up to `received` count as attempt 2', async () => {
    const store = new MemorySessionStore()
    store.save(KEY, { sessionId: 's1', seq: 10, received: 12, shard: [0, 1] })
    const session = persister(store)
    await session.restore()
    expect(session.session?.sessionId).toBe('s1')
    expect(session.resumeFrom(session.session!)).toBe(10)
    expect([11, 12, 13].map((seq) => session.attemptOf(seq))).toEqual([2, 2, 1])
  })

  it('GIVEN the store fails to load twice THEN the third attempt restores the session', async () => {
    vi.useFakeTimers()
    const inner = new MemorySessionStore()
    inner.save(KEY, { sessionId: 's1', seq: 3, shard: [0, 1] })
    const store = flakyStore(inner, 2)
    const log = logger()
    const session = persister(store, { log })
    const restoring = session.restore()
    await vi.advanceTimersByTimeAsync(250 + 500)
    await restoring
    expect(store.loads).toBe(3)
    expect(session.session?.sessionId).toBe('s1')
    expect(log.warn).toHaveBeenCalledTimes(2)
    expect(log.error).not.toHaveBeenCalled()
  })

  it('GIVEN the store keeps failing THEN after six attempts the shard goes on without a session, with an error log', async () => {
    vi.useFakeTimers()
    const store = flakyStore(new MemorySessionStore(), Infinity)
    const log = logger()
    const session = persister(store, { log })
    const restoring = session.restore()
    await vi.advanceTimersByTimeAsync(250 + 500 + 1_000 + 2_000 + 4_000)
    await restoring
    expect(store.loads).toBe(6)
    expect(session.session).toBeUndefined()
    expect(log.error.mock.calls[0]?.[1]).toMatch(/identifying anew/)
  })

  it('GIVEN a load fails while the shard is stopping THEN it is not retried', async () => {
    const store = flakyStore(new MemorySessionStore(), Infinity)
    const session = persister(store, { stopping: () => true })
    await session.restore()
    expect(store.loads).toBe(1)
  })

  it('GIVEN events finishing out of order THEN the stored seq is the watermark, and `received` the last seq read', async () => {
    const store = new MemorySessionStore()
    const session = persister(store)
    session.begin('s1', 1)
    const done = [2, 3, 4].map((seq) => {
      session.receive(seq)
      return session.track(seq)
    })
    done[1]!()
    await session.save()
    expect(store.load(KEY)).toMatchObject({ sessionId: 's1', seq: 1, received: 4, shard: [0, 1] })
    done[0]!()
    await session.save()
    expect(store.load(KEY)).toMatchObject({ seq: 3, received: 4 })
  })

  it('GIVEN events finishing THEN the session is saved at most every 200 ms', async () => {
    vi.useFakeTimers()
    const store = new MemorySessionStore()
    const save = vi.spyOn(store, 'save')
    const session = persister(store)
    session.begin('s1', 0)
    expect(save).toHaveBeenCalledTimes(1)
    for (let seq = 1; seq <= 5; seq++) {
      session.receive(seq)
      session.track(seq)()
    }
    expect(save).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(200)
    expect(save).toHaveBeenCalledTimes(2)
    expect(store.load(KEY)?.seq).toBe(5)
  })

  it('GIVEN a stop drains THEN it resolves when the last event finishes, with the session saved past it', async () => {
    let stopping = false
    const store = new MemorySessionStore()
    const session = persister(store, { stopping: () => stopping })
    session.begin('s1', 0)
    session.receive(1)
    const finish = session.track(1)
    stopping = true
    let drained = false
    const draining = session.drain().then(() => (drained = true))
    await Promise.resolve()
    expect(drained).toBe(false)
    finish()
    await draining
    expect(store.load(KEY)?.seq).toBe(1)
  })

  it('GIVEN a store that refuses writes (a lease lost) THEN the save is logged, not thrown', async () => {
    const log = logger()
    const store: SessionStore = {
      load: () => undefined,
      save: () => Promise.reject(new Error('lease lost')),
      clear: () => undefined,
    }
    const session = persister(store, { log })
    session.begin('s1', 0)
    await expect(session.save()).resolves.toBeUndefined()
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ shard: 0 }), 'could not save the shard session')
  })

  it('GIVEN the store down for many saves THEN one error line (not one per save), and one line when saving works again', async () => {
    const log = logger()
    const inner = new MemorySessionStore()
    let down = true
    const store: SessionStore = {
      load: () => undefined,
      save: (key, session) => (down ? Promise.reject(new Error('ECONNREFUSED')) : inner.save(key, session)),
      clear: () => undefined,
    }
    const session = persister(store, { log })
    session.begin('s1', 0)
    for (let i = 0; i < 20; i++) await session.save()
    expect(log.error).toHaveBeenCalledTimes(1)
    down = false
    await session.save()
    expect(inner.load(KEY)?.sessionId).toBe('s1')
    // READY's own save failed too, then the 20 above.
    expect(log.info).toHaveBeenCalledWith(
      expect.objectContaining({ failures: 21 }),
      'saved the session of shard 0 again',
    )
  })

  it('GIVEN clear() THEN the session is gone here and in the store, and the seq starts over', async () => {
    const store = new MemorySessionStore()
    const session = persister(store)
    session.begin('s1', 5)
    session.clear()
    expect(session.session).toBeUndefined()
    expect(session.seq).toBe(0)
    expect(store.load(KEY)).toBeUndefined()
  })
})
