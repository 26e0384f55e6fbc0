import { afterAll, describe, expect, it } from 'vitest'
import { removeNamespace } from './remove-namespace.js'
import { connectRedis, freshNamespace, removeFreshNamespaces } from './test-redis.js'

const redis = connectRedis()

afterAll(async () => {
  await removeFreshNamespaces(redis)
  await redis.quit()
})

describe('removeNamespace', () => {
  it('GIVEN keys of a namespace, of its sub-namespaces and of neighbours THEN only the namespace’s and its sub-namespaces’ are deleted', async () => {
    const ns = freshNamespace()
    const neighbour = `${ns}x` // starts with the same characters
    const ours = [`qqbot:{${ns}}:lease:0`, `qqbot:{${ns}}:event:m:1`, `qqbot:{${ns}:partitions}:lease:3`]
    const theirs = [`qqbot:{${neighbour}}:lease:0`, `other:{${ns}}:lease:0`, `qqbot:${ns}:state:x`]
    for (const key of [...ours, ...theirs]) await redis.set(key, '1')
    expect(await removeNamespace(redis, ns)).toBe(ours.length)
    expect(await redis.exists(...ours)).toBe(0)
    expect(await redis.exists(...theirs)).toBe(theirs.length)
    await redis.del(...theirs)
  })

  it('GIVEN a namespace with glob characters THEN it matches itself only', async () => {
    const ns = `${freshNamespace()}*[a]?`
    const ours = `qqbot:{${ns}}:lease:0`
    const lookalike = `qqbot:{${ns.replace('*[a]?', 'zzaz')}}:lease:0`
    await redis.set(ours, '1')
    await redis.set(lookalike, '1')
    expect(await removeNamespace(redis, ns)).toBe(1)
    expect(await redis.exists(ours)).toBe(0)
    expect(await redis.exists(lookalike)).toBe(1)
    await redis.del(lookalike)
  })

  it('GIVEN another prefix THEN the keys under that prefix are deleted', async () => {
    const ns = freshNamespace()
    await redis.set(`bot:{${ns}}:lease:0`, '1')
    await redis.set(`qqbot:{${ns}}:lease:0`, '1')
    expect(await removeNamespace(redis, ns, 'bot')).toBe(1)
    expect(await redis.exists(`qqbot:{${ns}}:lease:0`)).toBe(1)
  })
})
