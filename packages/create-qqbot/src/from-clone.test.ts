import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readClone } from './clone.js'
import { PACKAGES_FOLDER, pointAtPackages, useClone } from './from-clone.js'
import type { LockEntry, PackedPackage } from './lockfile.js'
import { scaffold } from './scaffold.js'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))

const packed = (name: string): PackedPackage => ({
  name,
  version: '0.1.0',
  spec: `file:${PACKAGES_FOLDER}/${name.replace('@', '').replace('/', '-')}-0.1.0.tgz`,
  integrity: 'sha512-x',
  dependencies: {},
})

describe('pointAtPackages', () => {
  it('GIVEN packed packages THEN dependencies and devDependencies point at them, overrides too, other ranges stay', () => {
    const manifest = {
      name: 'bot',
      version: '0.1.0',
      dependencies: { '@qqbot/core': '0.1.0', zod: '^4.6.7' },
      devDependencies: { '@qqbot/testing': '0.1.0', vitest: '^4.1.12' },
    }
    const pointed = pointAtPackages(manifest, [
      packed('@qqbot/core'),
      packed('@qqbot/testing'),
      packed('@qqbot/fake-platform'),
    ])
    expect(pointed.dependencies).toEqual({ '@qqbot/core': 'file:.qqbot/packages/qqbot-core-0.1.0.tgz', zod: '^4.6.7' })
    expect(pointed.devDependencies).toEqual({
      '@qqbot/testing': 'file:.qqbot/packages/qqbot-testing-0.1.0.tgz',
      vitest: '^4.1.12',
    })
    expect(pointed.overrides).toEqual({
      '@qqbot/core': 'file:.qqbot/packages/qqbot-core-0.1.0.tgz',
      '@qqbot/testing': 'file:.qqbot/packages/qqbot-testing-0.1.0.tgz',
      '@qqbot/fake-platform': 'file:.qqbot/packages/qqbot-fake-platform-0.1.0.tgz',
    })
    expect(manifest.dependencies['@qqbot/core']).toBe('0.1.0') // the input is left as it was
  })
})

describe('useClone (this repository, built)', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'create-qqbot-from-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('GIVEN a written basic project THEN the packages it needs are packed into it and package.json and the lockfile point at them', async () => {
    const projectDir = join(dir, 'bot')
    await scaffold({ targetDir: projectDir, name: 'bot', template: 'basic', packageManager: 'npm' })
    const result = await useClone(await readClone(REPO), projectDir, { env: process.env })

    const names = ['@qqbot/core', '@qqbot/fake-platform', '@qqbot/framework', '@qqbot/sandbox', '@qqbot/testing']
    expect(result.map((p) => p.name).sort()).toEqual(names)
    expect((await readdir(join(projectDir, PACKAGES_FOLDER))).sort()).toEqual(
      names.map((name) => `${name.slice(1).replace('/', '-')}-0.1.0.tgz`).sort(),
    )
    const manifest = JSON.parse(await readFile(join(projectDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      overrides: Record<string, string>
    }
    expect(manifest.dependencies['@qqbot/core']).toBe('file:.qqbot/packages/qqbot-core-0.1.0.tgz')
    expect(Object.keys(manifest.overrides).sort()).toEqual(names)
    const lock = JSON.parse(await readFile(join(projectDir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>
    }
    for (const name of names) {
      const entry = lock.packages[`node_modules/${name}`]
      expect(entry?.resolved).toBe(manifest.overrides[name])
      expect(entry?.integrity).toMatch(/^sha512-[A-Za-z0-9+/]+=*$/)
      expect(existsSync(join(projectDir, entry!.resolved!.slice('file:'.length)))).toBe(true)
    }
    expect(lock.packages['node_modules/@qqbot/redis']).toBeUndefined()
    expect(lock.packages['node_modules/zod']?.version).toBe((await readClone(REPO)).lock['node_modules/zod']?.version)
  }, 120_000)
})
