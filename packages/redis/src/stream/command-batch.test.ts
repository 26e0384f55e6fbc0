import { describe, expect, it } from 'vitest'
import { CommandBatch } from './command-batch.js'

/** A batch whose calls are recorded and answer when the test says so. */
function recordedBatch(maxSize?: number) {
  const calls: number[][] = []
  const answers: ((fail?: Error) => void)[] = []
  const batch = new CommandBatch<number, string>(
    (items) =>
      new Promise((resolve, reject) => {
        calls.push(items)
        answers.push((fail) => (fail ? reject(fail) : resolve(items.map((item) => `r${item}`))))
      }),
    maxSize,
  )
  return { batch, calls, answers }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

describe('CommandBatch', () => {
  it('GIVEN requests made in one turn of the event loop THEN they go in one call, each answered with its own result', async () => {
    const { batch, calls, answers } = recordedBatch()
    const results = [1, 2, 3].map((item) => batch.add(item))
    await nextTurn()
    expect(calls).toEqual([[1, 2, 3]])
    answers[0]!()
    expect(await Promise.all(results)).toEqual(['r1', 'r2', 'r3'])
  })

  it('GIVEN a lone request THEN it goes out in the same turn of the event loop, without waiting for others', async () => {
    const { batch, calls, answers } = recordedBatch()
    const result = batch.add(7)
    await nextTurn()
    expect(calls).toEqual([[7]])
    answers[0]!()
    expect(await result).toBe('r7')
  })

  it('GIVEN a call in flight THEN the requests made meanwhile wait for it and go together in the next call', async () => {
    const { batch, calls, answers } = recordedBatch()
    const first = batch.add(1)
    await nextTurn()
    const later = [2, 3].map((item) => batch.add(item))
    await nextTurn()
    await nextTurn()
    expect(calls).toEqual([[1]])
    answers[0]!()
    await first
    await expect.poll(() => calls).toEqual([[1], [2, 3]])
    answers[1]!()
    expect(await Promise.all(later)).toEqual(['r2', 'r3'])
  })

  it('GIVEN more requests than maxSize THEN they go in calls of at most maxSize, in the order made', async () => {
    const { batch, calls, answers } = recordedBatch(2)
    const results = [1, 2, 3, 4, 5].map((item) => batch.add(item))
    await nextTurn()
    answers[0]!()
    await expect.poll(() => calls.length).toBe(2)
    answers[1]!()
    await expect.poll(() => calls.length).toBe(3)
    answers[2]!()
    expect(calls).toEqual([[1, 2], [3, 4], [5]])
    expect(await Promise.all(results)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5'])
  })

  it('GIVEN a call that fails THEN each of its requests fails with its error, and the next requests go out again', async () => {
    const { batch, answers } = recordedBatch()
    const failed = [1, 2].map((item) => batch.add(item))
    await nextTurn()
    answers[0]!(new Error('connection lost'))
    for (const result of failed) await expect(result).rejects.toThrow('connection lost')
    const next = batch.add(3)
    await expect.poll(() => answers.length).toBe(2)
    answers[1]!()
    expect(await next).toBe('r3')
  })
})
