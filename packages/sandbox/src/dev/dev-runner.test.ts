import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { compileErrorsIn } from './compile-output.js'
import { devEnvironment } from './dev-env.js'
import { startDevRunner, type DevRunner } from './dev-runner.js'
import { until } from '../../../../test/support/until.js'

const repoNodeModules = fileURLToPath(new URL('../../../../node_modules', import.meta.url))

function bot(version: string): string {
  return `const line = { level: 30, time: Date.now(), msg: 'hello ' + process.env.GREETING + ' ${version}' }
console.log(JSON.stringify(line))
console.log('plain line ${version}')
setInterval(() => undefined, 1_000)
`
}

/** A tiny TypeScript project whose bot prints one pino line and one plain line, then idles. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qqbot-dev-'))
  symlinkSync(repoNodeModules, join(dir, 'node_modules'), 'dir')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'dev-test', type: 'module' }))
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { rootDir: 'src', outDir: 'dist', module: 'nodenext', target: 'es2022', types: [] },
    }),
  )
  writeFileSync(join(dir, '.env'), 'GREETING=from-env\n')
  mkdirSync(join(dir, 'src'))
  writeFileSync(
    join(dir, 'src', 'globals.d.ts'),
    'declare const process: { env: Record<string, string | undefined> }\n',
  )
  return dir
}

function collector() {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return { stream, text: () => text }
}

let runner: DevRunner | undefined
let dir: string | undefined
afterEach(async () => {
  await runner?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  runner = dir = undefined
})

describe('qqbot-dev', () => {
  it('GIVEN a project with .env THEN the bot starts with its variables, log lines print readable, a save restarts it, a compile error keeps it', async () => {
    dir = project()
    writeFileSync(join(dir, 'src', 'index.ts'), bot('v1'))
    const output = collector()
    const messages = collector()
    runner = await startDevRunner({ cwd: dir, output: output.stream, messages: messages.stream })

    await until(() => output.text().includes('plain line v1'), 60_000, 'the first start')
    expect(output.text()).toContain('INFO')
    expect(output.text()).toContain('hello from-env v1')
    expect(output.text()).not.toContain('"msg"')

    writeFileSync(join(dir, 'src', 'index.ts'), bot('v2'))
    await until(() => output.text().includes('plain line v2'), 60_000, 'the restart after a save')
    expect(messages.text()).toContain('compiled: restarting the bot')

    writeFileSync(join(dir, 'src', 'index.ts'), `${bot('v3')}\nconst broken: number = 'text'\n`)
    await until(() => messages.text().includes('compile error(s)'), 60_000, 'the compile error')
    expect(output.text()).not.toContain('plain line v3')
    expect(messages.text()).toContain("Type 'string' is not assignable to type 'number'")
  }, 120_000)
})

describe('compileErrorsIn', () => {
  it('reads the summary line of tsc --watch and nothing else', () => {
    expect(compileErrorsIn('12:00:01 - Found 0 errors. Watching for file changes.')).toBe(0)
    expect(compileErrorsIn('12:00:01 - Found 1 error. Watching for file changes.')).toBe(1)
    expect(compileErrorsIn('12:00:01 - Found 3 errors. Watching for file changes.')).toBe(3)
    expect(compileErrorsIn('src/index.ts(1,7): error TS2322')).toBeUndefined()
  })
})

describe('devEnvironment', () => {
  it('GIVEN a variable in .env and in the shell THEN the shell wins; a missing file adds nothing', () => {
    const envDir = mkdtempSync(join(tmpdir(), 'qqbot-dev-env-'))
    try {
      writeFileSync(join(envDir, '.env'), 'A=file\nB="quoted value"\n')
      expect(devEnvironment(join(envDir, '.env'), { A: 'shell' })).toEqual({ A: 'shell', B: 'quoted value' })
      expect(devEnvironment(join(envDir, 'missing.env'), { A: 'shell' })).toEqual({ A: 'shell' })
    } finally {
      rmSync(envDir, { recursive: true, force: true })
    }
  })
})
