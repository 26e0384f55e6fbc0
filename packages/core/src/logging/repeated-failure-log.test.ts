import { describe, expect, it, vi } from 'vitest'
import type { Logger } from 'pino'
import { RepeatedFailureLog } from './repeated-failure-log.js'

function setup(intervalMs = 1_000) {
  const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn() }
  let now = 0
  const log = new RepeatedFailureLog(logger as unknown as Logger, { intervalMs, now: () => now })
  return { logger, log, advance: (ms: number) => (now += ms) }
}

describe('RepeatedFailureLog', () => {
  it('GIVEN a failure repeating every 200 ms for 3 s THEN one line at once, then one per interval with the count', () => {
    const { logger, log, advance } = setup(1_000)
    for (let i = 0; i < 15; i++) {
      log.failed('save', 'error', { shard: 0 }, 'could not save')
      advance(200)
    }
    expect(logger.error).toHaveBeenCalledTimes(3)
    expect(logger.error.mock.calls[0]).toEqual([{ shard: 0 }, 'could not save'])
    expect(logger.error.mock.calls[1]).toEqual([
      { shard: 0, repeated: 5, failingForMs: 1_000 },
      'could not save (5 more since the last line)',
    ])
    expect(logger.error.mock.calls[2]![0]).toMatchObject({ repeated: 5, failingForMs: 2_000 })
  })

  it('GIVEN it works again THEN one info line with the failures and how long; the next failure is logged at once', () => {
    const { logger, log, advance } = setup()
    log.failed('save', 'warn', {}, 'down')
    advance(300)
    log.failed('save', 'warn', {}, 'down')
    advance(200)
    log.recovered('save', 'up again')
    log.recovered('save', 'up again')
    expect(logger.info).toHaveBeenCalledTimes(1)
    expect(logger.info).toHaveBeenCalledWith({ failures: 2, failingForMs: 500 }, 'up again')
    log.failed('save', 'warn', {}, 'down')
    expect(logger.warn).toHaveBeenCalledTimes(2)
  })

  it('GIVEN two kinds of failure THEN each is thinned on its own', () => {
    const { logger, log } = setup()
    log.failed('signature', 'warn', {}, 'bad signature')
    log.failed('timestamp', 'warn', {}, 'old timestamp')
    log.failed('signature', 'warn', {}, 'bad signature')
    expect(logger.warn.mock.calls.map((call) => call[1])).toEqual(['bad signature', 'old timestamp'])
  })

  it('GIVEN nothing failed THEN recovered() says nothing', () => {
    const { logger, log } = setup()
    log.recovered('save', 'up again')
    expect(logger.info).not.toHaveBeenCalled()
  })

  it('GIVEN more kinds failing than it follows THEN further kinds are counted by the caller but not logged until one recovers', () => {
    const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn() }
    const log = new RepeatedFailureLog(logger as unknown as Logger, { maxKinds: 2, now: () => 0 })
    for (const kind of ['a', 'b', 'c']) log.failed(kind, 'warn', { kind }, 'odd')
    expect(logger.warn.mock.calls.map(([fields]) => (fields as { kind: string }).kind)).toEqual(['a', 'b'])
    log.recovered('a', 'fine again')
    log.failed('c', 'warn', { kind: 'c' }, 'odd')
    expect(logger.warn).toHaveBeenCalledTimes(3)
  })
})
