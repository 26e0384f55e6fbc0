import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { assertBuilt, packagesNeeded, readClone, WORKSPACE_NAME } from './clone.js'
import { CreateQqbotError } from './errors.js'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'create-qqbot-clone-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, JSON.stringify(value))
}

/** A minimal clone: core (built or not) and framework, which needs core. */
async function fakeClone(built: boolean): Promise<void> {
  await writeJson(join(dir, 'package.json'), { name: WORKSPACE_NAME })
  await writeJson(join(dir, 'package-lock.json'), { lockfileVersion: 3, packages: { '': {} } })
  await writeJson(join(dir, 'packages/core/package.json'), {
    name: '@qqbot/core',
    version: '0.1.0',
    main: './dist/index.js',
  })
  await writeJson(join(dir, 'packages/framework/package.json'), {
    name: '@qqbot/framework',
    version: '0.1.0',
    main: './dist/index.js',
    dependencies: { '@qqbot/core': '0.1.0', zod: '^4.0.0' },
  })
  if (built) {
    for (const folder of ['core', 'framework']) {
      await mkdir(join(dir, 'packages', folder, 'dist'))
      await writeFile(join(dir, 'packages', folder, 'dist/index.js'), '')
    }
  }
}

async function failure(action: () => unknown): Promise<CreateQqbotError> {
  const error = await (async () => action())().then(
    () => expect.fail('did not throw'),
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(CreateQqbotError)
  return error as CreateQqbotError
}

describe('readClone', () => {
  it('GIVEN this repository THEN its packages and lockfile are read', async () => {
    const clone = await readClone(REPO)
    expect(clone.packages.get('@qqbot/core')).toMatchObject({ folder: 'packages/core', version: '0.1.0', bin: {} })
    expect(clone.packages.get('@qqbot/sandbox')?.bin).toEqual({ 'qqbot-dev': 'bin/qqbot-dev.js' })
    expect(clone.packages.get('create-qqbot')?.bin).toEqual({ 'create-qqbot': 'bin/create-qqbot.js' })
    expect(clone.lock['node_modules/zod']?.version).toMatch(/^4\./)
  })

  it('GIVEN a folder that is not a clone THEN NOT_A_QQBOT_CLONE says what is missing and what to give', async () => {
    expect((await failure(() => readClone(dir))).message).toContain('it has no readable package.json')
    await writeJson(join(dir, 'package.json'), { name: 'my-bot' })
    const wrongName = await failure(() => readClone(dir))
    expect(wrongName.code).toBe('NOT_A_QQBOT_CLONE')
    expect(wrongName.message).toContain(`--from ${dir} is not a clone of the qqbot repository`)
    expect(wrongName.message).toContain(`its package.json is named "my-bot", not "${WORKSPACE_NAME}"`)
    await writeJson(join(dir, 'package.json'), { name: WORKSPACE_NAME })
    expect((await failure(() => readClone(dir))).message).toContain('it has no packages/ folder')
  })

  it('GIVEN a clone without its lockfile THEN it is refused', async () => {
    await fakeClone(true)
    await rm(join(dir, 'package-lock.json'))
    expect((await failure(() => readClone(dir))).message).toContain('it has no readable package-lock.json')
  })
})

describe('packagesNeeded and assertBuilt', () => {
  it('GIVEN the project dependencies THEN the workspace packages are followed through, registry ones skipped', async () => {
    await fakeClone(true)
    const clone = await readClone(dir)
    expect(packagesNeeded(clone, ['@qqbot/framework', 'zod']).map((p) => p.name)).toEqual([
      '@qqbot/core',
      '@qqbot/framework',
    ])
    expect(packagesNeeded(clone, ['zod'])).toEqual([])
  })

  it('GIVEN an @qqbot package the clone lacks THEN the error names it and says to update the clone', async () => {
    await fakeClone(true)
    const error = await failure(async () => packagesNeeded(await readClone(dir), ['@qqbot/nope']))
    expect(error.message).toContain(`The project needs @qqbot/nope, which the clone ${dir} does not have`)
  })

  it('GIVEN packages without their built main file THEN CLONE_NOT_BUILT names them and says to run npm run build', async () => {
    await fakeClone(false)
    const clone = await readClone(dir)
    const error = await failure(() => assertBuilt(clone, [...clone.packages.values()]))
    expect(error.code).toBe('CLONE_NOT_BUILT')
    expect(error.message).toContain('no packages/core/dist/index.js, packages/framework/dist/index.js')
    expect(error.message).toContain(`Run npm run build in ${dir}`)
  })

  it('GIVEN built packages THEN assertBuilt passes', async () => {
    await fakeClone(true)
    const clone = await readClone(dir)
    expect(() => assertBuilt(clone, [...clone.packages.values()])).not.toThrow()
  })
})
