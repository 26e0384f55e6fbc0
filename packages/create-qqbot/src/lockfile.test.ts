import { describe, expect, it } from 'vitest'
import { CreateQqbotError } from './errors.js'
import { locate, lockfileFor, type LockEntry, type PackedPackage } from './lockfile.js'

const CORE: PackedPackage = {
  name: '@qqbot/core',
  version: '0.1.0',
  spec: 'file:.qqbot/packages/qqbot-core-0.1.0.tgz',
  integrity: 'sha512-core',
  dependencies: { ws: '^8.0.0' },
}
const REDIS: PackedPackage = {
  name: '@qqbot/redis',
  version: '0.1.0',
  spec: 'file:.qqbot/packages/qqbot-redis-0.1.0.tgz',
  integrity: 'sha512-redis',
  dependencies: { '@qqbot/core': '0.1.0' },
}

/** A clone's lockfile: ws hoisted, zod 4 hoisted and zod 3 nested under old-lib, a workspace link, peers. */
const CLONE_LOCK: Record<string, LockEntry> = {
  '': { name: 'qqbot-workspace' },
  'node_modules/@qqbot/core': { resolved: 'packages/core', link: true },
  'node_modules/ws': { version: '8.1.0', resolved: 'https://r/ws.tgz', integrity: 'sha512-ws' },
  'node_modules/zod': { version: '4.0.0', resolved: 'https://r/zod4.tgz', integrity: 'sha512-zod4' },
  'node_modules/old-lib': {
    version: '1.0.0',
    dependencies: { zod: '^3.0.0' },
    peerDependencies: { vitest: '*', typescript: '*' },
    peerDependenciesMeta: { typescript: { optional: true } },
  },
  'node_modules/old-lib/node_modules/zod': { version: '3.0.0', integrity: 'sha512-zod3' },
  'node_modules/vitest': { version: '4.0.0', optionalDependencies: { fsevents: '*' } },
  'node_modules/fsevents': { version: '2.0.0' },
  'node_modules/typescript': { version: '5.0.0' },
  'node_modules/unused': { version: '1.0.0' },
}

function lock(dependencies: Record<string, string>, packed = [CORE, REDIS]) {
  return lockfileFor({
    manifest: { name: 'bot', version: '0.1.0', dependencies },
    cloneLock: CLONE_LOCK,
    packed: new Map(packed.map((p) => [p.name, p])),
  }) as { name: string; lockfileVersion: number; packages: Record<string, LockEntry> }
}

describe('lockfileFor', () => {
  it('GIVEN a packed dependency THEN its entry is the tarball with its integrity, and its own dependencies follow from the clone', () => {
    const result = lock({ '@qqbot/core': CORE.spec })
    expect(result).toMatchObject({ name: 'bot', lockfileVersion: 3 })
    expect(result.packages['']).toEqual({ name: 'bot', version: '0.1.0', dependencies: { '@qqbot/core': CORE.spec } })
    expect(result.packages['node_modules/@qqbot/core']).toEqual({
      version: '0.1.0',
      resolved: CORE.spec,
      integrity: 'sha512-core',
      dependencies: { ws: '^8.0.0' },
    })
    expect(result.packages['node_modules/ws']).toBe(CLONE_LOCK['node_modules/ws'])
    // A packed package nothing needs (redis) and a clone package nothing needs stay out.
    expect(Object.keys(result.packages).sort()).toEqual(['', 'node_modules/@qqbot/core', 'node_modules/ws'])
  })

  it('GIVEN a packed package with a command THEN its entry names it, so npm ci links it into node_modules/.bin', () => {
    const sandbox: PackedPackage = { ...CORE, name: '@qqbot/sandbox', bin: { 'qqbot-dev': 'bin/qqbot-dev.js' } }
    const result = lock({ '@qqbot/sandbox': sandbox.spec }, [sandbox])
    expect(result.packages['node_modules/@qqbot/sandbox']?.bin).toEqual({ 'qqbot-dev': 'bin/qqbot-dev.js' })
    expect(lock({ '@qqbot/core': CORE.spec }).packages['node_modules/@qqbot/core']).not.toHaveProperty('bin')
  })

  it('GIVEN a packed package that needs another THEN both are in, the workspace link never is', () => {
    const result = lock({ '@qqbot/redis': REDIS.spec })
    expect(result.packages['node_modules/@qqbot/core']?.resolved).toBe(CORE.spec)
    expect(result.packages['node_modules/@qqbot/redis']?.resolved).toBe(REDIS.spec)
    expect(Object.values(result.packages).some((entry) => entry.link)).toBe(false)
  })

  it('GIVEN nested versions, optional dependencies and peers THEN the nested one, optional ones and required peers are in', () => {
    const result = lock({ zod: '^4.0.0', 'old-lib': '^1.0.0' })
    expect(Object.keys(result.packages).sort()).toEqual([
      '',
      'node_modules/fsevents',
      'node_modules/old-lib',
      'node_modules/old-lib/node_modules/zod',
      'node_modules/vitest',
      'node_modules/zod',
    ])
  })

  it('GIVEN a dependency the clone lockfile lacks THEN LOCKFILE_INCOMPLETE names it and says to run npm ci', () => {
    const error = (() => {
      try {
        lock({ 'left-pad': '^1.0.0' })
      } catch (caught) {
        return caught
      }
    })() as CreateQqbotError
    expect(error).toBeInstanceOf(CreateQqbotError)
    expect(error.code).toBe('LOCKFILE_INCOMPLETE')
    expect(error.message).toContain("left-pad (needed by the project) is not in the clone's package-lock.json")
    expect(error.message).toContain('npm ci')
  })
})

describe('locate', () => {
  it('GIVEN a nested lookup THEN the nearest node_modules upwards wins; a link is never a match', () => {
    expect(locate(CLONE_LOCK, 'node_modules/old-lib', 'zod')).toBe('node_modules/old-lib/node_modules/zod')
    expect(locate(CLONE_LOCK, 'node_modules/vitest', 'zod')).toBe('node_modules/zod')
    expect(locate(CLONE_LOCK, '', '@qqbot/core')).toBeUndefined()
    expect(locate(CLONE_LOCK, '', 'missing')).toBeUndefined()
  })
})
