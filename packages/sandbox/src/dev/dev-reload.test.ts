import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { startDevRunner, type DevRunner, type DevRunnerOptions } from './dev-runner.js'
import { until } from '../../../../test/support/until.js'

const repoNodeModules = fileURLToPath(new URL('../../../../node_modules', import.meta.url))

/** The plugin module: `/hi` answers `hello <version>`. */
function greeter(version: string): string {
  return `import { Command, Controller, definePlugin } from '@qqbot/framework'

@Controller({ scenes: ['group'] })
class Hi {
  @Command('hi')
  hi() {
    return 'hello ${version}'
  }
}

export const greeter = definePlugin({ name: 'greeter', controllers: [Hi] })
`
}

/**
 * The bot's main module: the fake platform in process, the greeter plugin registered with enableDevReload, and
 * a loop asking /hi and printing each answer with the process id and how many times the bot identified.
 */
function main(label: string): string {
  return `import { createBot, enableDevReload } from '@qqbot/framework'
import { groupAtMessage, startFakePlatform } from '@qqbot/fake-platform'
import { greeter } from './greeter.js'

const platform = await startFakePlatform({ heartbeatIntervalMs: 30_000 })
let identifies = 0
platform.onGatewayFrame((frame) => {
  if (frame.direction === 'in' && (frame.payload as { op?: number }).op === 2) identifies++
})
const plugins = [greeter]
const bot = createBot({
  appId: platform.appId,
  secret: platform.secret,
  hosts: { api: platform.url },
  logLevel: 'warn',
  gateway: { identifyIntervalMs: 0 },
  plugins,
})
await bot.start()
await enableDevReload(bot, {
  plugins,
  modules: [new URL('./greeter.js', import.meta.url)],
  onReload: ({ name, generation }) => console.log(\`announced: plugin \${name} reloaded (v\${generation})\`),
})
let asking = false
setInterval(() => {
  if (asking) return
  asking = true
  const before = platform.sent.length
  const event = groupAtMessage({ content: '/hi', memberOpenid: 'alice' })
  platform.dispatch(event.t, event.d)
  void platform.waitForSent(before + 1, 5_000).then(() => {
    console.log(\`answer: \${String(platform.sent.at(-1)?.body.content)} main=${label} pid=\${process.pid} identifies=\${identifies}\`)
    asking = false
  })
}, 100)
`
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qqbot-dev-reload-'))
  symlinkSync(repoNodeModules, join(dir, 'node_modules'), 'dir')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'dev-reload-test', type: 'module' }))
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        module: 'nodenext',
        target: 'es2022',
        strict: true,
        skipLibCheck: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        types: ['node'],
      },
    }),
  )
  mkdirSync(join(dir, 'src'))
  writeFileSync(join(dir, 'src', 'greeter.ts'), greeter('v1'))
  writeFileSync(join(dir, 'src', 'main.ts'), main('m1'))
  return dir
}

function collector() {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return { stream, text: () => text }
}

/** The last answer line from `hello <version>`: its main module label, pid and identify count. */
function answerFrom(text: string, version: string) {
  const lines = text.split('\n').filter((line) => line.startsWith(`answer: hello ${version} `))
  const match = /main=(\S+) pid=(\d+) identifies=(\d+)/.exec(lines.at(-1) ?? '')
  return match ? { main: match[1], pid: Number(match[2]), identifies: Number(match[3]) } : undefined
}

let runner: DevRunner | undefined
let dir: string | undefined
afterEach(async () => {
  await runner?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  runner = dir = undefined
})

async function start(options: Partial<DevRunnerOptions> = {}) {
  dir = project()
  const output = collector()
  const messages = collector()
  runner = await startDevRunner({
    cwd: dir,
    entry: 'dist/main.js',
    output: output.stream,
    messages: messages.stream,
    prettyLogs: false,
    ...options,
  })
  await until(() => answerFrom(output.text(), 'v1') !== undefined, 60_000, 'the first answer')
  return { dir, output, messages, first: answerFrom(output.text(), 'v1')! }
}

describe('qqbot-dev reloads a changed plugin in place', () => {
  it('GIVEN a save of the plugin module THEN the new code answers in the same process and session; a save of main restarts', async () => {
    const { dir, output, messages, first } = await start()
    expect(first.identifies).toBe(1)

    writeFileSync(join(dir, 'src', 'greeter.ts'), greeter('v2'))
    await until(() => answerFrom(output.text(), 'v2') !== undefined, 60_000, 'the answer of the reloaded plugin')
    expect(answerFrom(output.text(), 'v2')).toEqual({ main: 'm1', pid: first.pid, identifies: 1 })
    expect(output.text()).toContain('announced: plugin greeter reloaded (v1)')
    expect(messages.text()).toContain('compiled: reloading dist/greeter.js in place')
    expect(messages.text()).toContain('plugin greeter reloaded in place (v1, ')
    expect(messages.text()).not.toContain('restarting the bot')

    writeFileSync(join(dir, 'src', 'main.ts'), main('m2'))
    await until(() => answerFrom(output.text(), 'v2')?.main === 'm2', 60_000, 'the answer after the restart')
    expect(answerFrom(output.text(), 'v2')!.pid).not.toBe(first.pid)
    expect(messages.text()).toContain('compiled: restarting the bot')
  }, 180_000)

  it('GIVEN a budget of one reload in place THEN the second plugin save restarts the bot, saying why', async () => {
    const { dir, output, messages, first } = await start({ reloadInPlace: { reloads: 1 } })

    writeFileSync(join(dir, 'src', 'greeter.ts'), greeter('v2'))
    await until(() => answerFrom(output.text(), 'v2') !== undefined, 60_000, 'the reload in place')
    expect(answerFrom(output.text(), 'v2')!.pid).toBe(first.pid)

    writeFileSync(join(dir, 'src', 'greeter.ts'), greeter('v3'))
    await until(() => answerFrom(output.text(), 'v3') !== undefined, 60_000, 'the restart')
    expect(answerFrom(output.text(), 'v3')!.pid).not.toBe(first.pid)
    expect(messages.text()).toContain(
      'compiled: restarting the bot (1 plugin reloads in place (the budget is 1): restarting frees the old modules)',
    )
  }, 180_000)
})
