import { spawnSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const SHIM = fileURLToPath(new URL('../bin/create-qqbot.js', import.meta.url))

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'create-qqbot-bin-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('bin/create-qqbot.js', () => {
  it('GIVEN no dist/ next to it THEN it prints one line saying to build and exits 1', async () => {
    await mkdir(join(dir, 'bin'))
    await copyFile(SHIM, join(dir, 'bin/create-qqbot.js'))
    const result = spawnSync(process.execPath, [join(dir, 'bin/create-qqbot.js'), '--help'], { encoding: 'utf8' })
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toEqual([
      'create-qqbot is not built (no dist/cli.js): run npm run build in the qqbot clone, or use npm run create -- my-bot there, which builds first.',
    ])
  })

  it('GIVEN the built package THEN it runs the CLI', async () => {
    const version = (
      JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version
    const result = spawnSync(process.execPath, [SHIM, '--version'], { encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(result.stdout.trim()).toBe(version)
    expect(result.status).toBe(0)
  })
})
