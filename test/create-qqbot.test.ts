import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CLI,
  E2E_TIMEOUT,
  explain,
  expectSuccess,
  OFFLINE,
  expectInstalledTreeToBeTheLockfile,
  installOverBasicProject,
  ROOT,
  run,
  useWorkFolder,
  type Run,
} from './support/create-qqbot-e2e.js'
import { Redis } from 'ioredis'
import { groupAtMessage, startFakePlatform } from '@qqbot/fake-platform'

/**
 * `create-qqbot --from <clone>` end to end, offline, for the CLI, the bot templates and the plugin template:
 * each project is created, installed from the npm cache, built and tested. One file, run in order: the basic
 * project's install is the starting point of the others' (installOverBasicProject).
 */

const workFolder = useWorkFolder()
/** Created and installed by the first template case. */
const basicProjectDir = () => join(workFolder(), 'my-basic-bot')

/**
 * The built distributed project's entry points, run without Redis: proves `@qqbot/redis` and `ioredis`
 * resolve at run time in an installed project, and that each entry point says what to do.
 */
async function expectRolesLoadAndExplain(projectDir: string): Promise<void> {
  // The three runs are independent: started together.
  const [ingress, worker, withCredentials] = await Promise.all([
    run('npm', ['run', 'ingress'], projectDir, 30_000),
    run('npm', ['run', 'worker'], projectDir, 30_000),
    run('npm', ['start'], projectDir, 30_000, { QQBOT_APP_ID: '102000001', QQBOT_APP_SECRET: 'not-a-real-secret' }),
  ])
  // Without credentials the roles stop at the settings, after every import resolved: no Redis is contacted.
  for (const [role, started] of [
    ['ingress', ingress],
    ['worker', worker],
  ] as const) {
    expect(started.code, explain(`npm run ${role}`, started)).toBe(1)
    expect(started.stderr).toContain('Set QQBOT_APP_ID and QQBOT_APP_SECRET')
    expect(started.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/)
  }
  // With credentials, `npm start` (the entry point of `npm run dev`) names the two roles instead of starting a bot.
  expect(withCredentials.code, explain('npm start', withCredentials)).toBe(1)
  expect(withCredentials.stderr).toContain('npm run ingress')
  expect(withCredentials.stderr).toContain('npm run worker')
}

/** The sandbox port already taken: `npm start` without credentials says so in one line and exits 1. */
async function expectPortClashInOneLine(projectDir: string): Promise<void> {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  try {
    const port = String((taken.address() as AddressInfo).port)
    const clash = await run('node', ['dist/index.js'], projectDir, 30_000, { QQBOT_SANDBOX_PORT: port })
    expect(clash.code, explain('node dist/index.js on a taken port', clash)).toBe(1)
    expect(clash.stderr.trim().split('\n')).toEqual([
      expect.stringContaining(`Port ${port} on 127.0.0.1 is already in use`),
    ])
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()))
  }
}

/**
 * `npm test` type-checks the tests before running them: a misspelt option (`controlers`), which vitest alone
 * would only find at run time, fails with tsc's error and no test runs.
 */
async function expectTestTypoToFailTypeCheck(projectDir: string): Promise<void> {
  const typo = join(projectDir, 'test/typo.test.ts')
  await writeFile(
    typo,
    [
      "import { it } from 'vitest'",
      "import { createTestBot } from '@qqbot/testing'",
      "import { controllers } from '../src/bot.js'",
      '',
      "it('starts', async () => {",
      '  await (await createTestBot({ controlers: controllers })).stop()',
      '})',
      '',
    ].join('\n'),
  )
  try {
    const tested = await run('npm', ['test'], projectDir)
    expect(tested.code, explain('npm test with a typo', tested)).not.toBe(0)
    expect(tested.stdout).toMatch(
      /test\/typo\.test\.ts\(6,\d+\): error TS2561: Object literal may only specify known properties, but 'controlers' does not exist in type 'TestBotOptions'/,
    )
    expect(tested.stdout).not.toContain('Test Files')
  } finally {
    await rm(typo)
  }
}

/**
 * `npm run build`, then `npm test`, for the basic project. The others have the same two scripts (checked
 * here, and in scaffold.test.ts), so npm's running them is proven by basic: they run what the scripts run,
 * both type checks in one `tsc -b` (which reads the libraries' declarations once, not once per check), then
 * vitest. Resolves with the test run.
 */
async function buildAndTest(template: string, scripts: Record<string, string>, projectDir: string): Promise<Run> {
  if (template === 'basic') {
    await expectSuccess('npm run build', run('npm', ['run', 'build'], projectDir))
    return expectSuccess('npm test', run('npm', ['test'], projectDir))
  }
  expect(scripts).toMatchObject({ build: 'tsc', test: 'tsc -p tsconfig.test.json && vitest run' })
  const tsc = ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.json', 'tsconfig.test.json']
  await expectSuccess('tsc -b tsconfig.json tsconfig.test.json', run('node', tsc, projectDir))
  return expectSuccess('vitest run', run('node', ['node_modules/vitest/vitest.mjs', 'run'], projectDir))
}

/** A generated role started with `node dist/<role>.js`, its output collected. */
interface RoleProcess {
  output: () => string
  exited: Promise<number | null>
  kill: (signal: NodeJS.Signals) => void
}

function startRole(projectDir: string, role: string, env: Record<string, string>): RoleProcess {
  const child = spawn(process.execPath, [`dist/${role}.js`], {
    cwd: projectDir,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  return {
    output: () => output,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    kill: (signal) => child.kill(signal),
  }
}

/**
 * The generated ingress and two workers, run as they would be in production but against our fake platform
 * and the real Redis: every group message gets its one answer, and SIGTERM stops each role cleanly.
 */
async function expectRolesAnswerOverRedis(projectDir: string): Promise<void> {
  const appId = String(200_000_000 + Math.floor(Math.random() * 99_999_999))
  const platform = await startFakePlatform({ appId })
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const env = {
    QQBOT_APP_ID: appId,
    QQBOT_APP_SECRET: platform.secret,
    QQBOT_API_URL: platform.url,
    REDIS_URL: redisUrl,
    QQBOT_SHARDS: '2',
    HEALTH_PORT: '0',
  }
  const roles = [
    startRole(projectDir, 'ingress', { ...env, PROCESS_NAME: 'ingress-1' }),
    startRole(projectDir, 'worker', { ...env, PROCESS_NAME: 'worker-1' }),
    startRole(projectDir, 'worker', { ...env, PROCESS_NAME: 'worker-2' }),
  ]
  const log = () => roles.map((role, i) => `--- role ${i}\n${role.output().slice(-3_000)}`).join('\n')
  try {
    await platform.waitForReady(2, 30_000).catch((error: Error) => expect.fail(`${error.message}\n${log()}`))
    const ids: string[] = []
    for (let i = 0; i < 20; i++) {
      const event = groupAtMessage({ content: '/ping', groupOpenid: `group-${i % 3}` })
      ids.push((event.d as { id: string }).id)
      platform.dispatch(event.t, event.d, { shard: i % 2, shardCount: 2 })
    }
    await platform.waitForSent(20, 30_000).catch((error: Error) => expect.fail(`${error.message}\n${log()}`))
    for (const role of roles) role.kill('SIGTERM')
    expect(await Promise.all(roles.map((role) => role.exited)), log()).toEqual([0, 0, 0])
    // Every role has exited: a second reply to any message would have been sent by now.
    const replies = platform.sent.map((message) => ({ to: message.body.msg_id, content: message.body.content }))
    expect(replies.map((reply) => reply.to).sort()).toEqual([...ids].sort())
    expect(new Set(replies.map((reply) => reply.content))).toEqual(new Set(['pong']))
  } finally {
    for (const role of roles) role.kill('SIGKILL')
    await platform.close()
    const redis = new Redis(redisUrl)
    // The bot's keys and its partition leases' (partitions are on by default).
    const keys = [...(await redis.keys(`qqbot:{${appId}}:*`)), ...(await redis.keys(`qqbot:{${appId}:partitions}:*`))]
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  }
}

describe('create-qqbot CLI', () => {
  it('GIVEN --help and --version THEN it prints the usage with every flag and template, and the version', async () => {
    const help = await expectSuccess('create-qqbot --help', run('node', [CLI, '--help'], tmpdir()))
    for (const text of [
      'Usage: create-qqbot [folder] [options]',
      '--template <name>',
      '--plugin <name>',
      '--lang <locale>',
      '--pm <manager>',
      '--no-install',
      '--yes',
      'basic ',
      'webhook ',
      'distributed ',
      'Exit codes: 0 done, 1 error, 130 cancelled.',
    ]) {
      expect(help.stdout).toContain(text)
    }
    const version = await expectSuccess('create-qqbot --version', run('node', [CLI, '--version'], tmpdir()))
    expect(version.stdout.trim()).toBe(
      JSON.parse(await readFile(join(ROOT, 'packages/create-qqbot/package.json'), 'utf8')).version,
    )
  })

  it('GIVEN an unknown --template THEN it exits 1 listing the templates and writes nothing', async () => {
    const result = await run('node', [CLI, 'bad-template-bot', '--template', 'cluster', '--no-install'], workFolder())
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'Unknown template "cluster" for --template. Valid values: basic, webhook, distributed.',
    )
    expect(existsSync(join(workFolder(), 'bad-template-bot'))).toBe(false)
  })

  it('GIVEN a folder that is not empty THEN it exits 1 naming the folder and leaves its file untouched', async () => {
    const taken = join(workFolder(), 'taken')
    await mkdir(taken)
    await writeFile(join(taken, 'notes.txt'), 'mine')
    const result = await run('node', [CLI, 'taken', '--yes', '--no-install'], workFolder())
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`The folder ${taken} is not empty (it has notes.txt)`)
    expect(await readdir(taken)).toEqual(['notes.txt'])
    expect(await readFile(join(taken, 'notes.txt'), 'utf8')).toBe('mine')
  })

  /**
   * What each template's build and tests must produce, and its language: each language once at least (basic
   * takes the default, zh-CN), so the generated tests prove the replies in both.
   */
  const TEMPLATE_CASES = [
    { template: 'basic', lang: undefined, entryPoints: ['index'], testFiles: 1, tests: 3 },
    { template: 'webhook', lang: 'en', entryPoints: ['index'], testFiles: 1, tests: 3 },
    { template: 'distributed', lang: 'zh-CN', entryPoints: ['index', 'ingress', 'worker'], testFiles: 2, tests: 7 },
  ] as const

  for (const { template, lang, entryPoints, testFiles, tests } of TEMPLATE_CASES) {
    const locale = lang ?? 'zh-CN'
    it(
      `GIVEN --template ${template} ${lang ? `--lang ${lang}` : '(default language)'} --from this repo THEN the project installs offline against this repo's packages, builds, and its tests pass in ${locale}`,
      async () => {
        const name = `my-${template}-bot`
        const projectDir = join(workFolder(), name)
        const flags = [name, '--yes', '--template', template, ...(lang ? ['--lang', lang] : [])]
        const missingFromCache = (result: Run) =>
          result.stderr.includes('ENOTCACHED') ? '\nA package is missing from the npm cache (see the URL above).' : ''
        // The basic project comes from the documented command, run in another folder (the target is relative to
        // it), and the CLI installs it. The others are installed by the next step the CLI prints for --no-install.
        const created =
          template === 'basic'
            ? await run('npm', ['--prefix', ROOT, 'run', 'create', '--', ...flags], workFolder(), 180_000, OFFLINE)
            : await run('node', [CLI, ...flags, '--from', ROOT, '--no-install'], workFolder(), 180_000, OFFLINE)
        expect(created.code, `${explain('create-qqbot --from', created)}${missingFromCache(created)}`).toBe(0)
        expect(created.stdout).toContain(`Created ${name} (${template} template, replies in ${locale})`)
        expect(created.stdout).toContain('npm run dev')
        if (template === 'basic') {
          expect(created.stdout).toContain('Installing the dependencies: npm install')
        } else {
          expect(created.stdout).not.toContain('Installing the dependencies')
          expect(created.stdout).toMatch(/^\W*npm install\W*$/m)
          const installed = await installOverBasicProject(projectDir, basicProjectDir())
          expect(installed.code, `${explain('npm install', installed)}${missingFromCache(installed)}`).toBe(0)
        }
        await expectInstalledTreeToBeTheLockfile(projectDir)
        const manifest = JSON.parse(await readFile(join(projectDir, 'package.json'), 'utf8')) as {
          scripts: Record<string, string>
          dependencies: Record<string, string>
        }
        expect(manifest.dependencies['@qqbot/core']).toBe('file:.qqbot/packages/qqbot-core-0.1.0.tgz')
        expect(existsSync(join(projectDir, 'node_modules/@qqbot/framework/dist/index.js'))).toBe(true)
        // npm run dev runs qqbot-dev: the lockfile must name the command for npm to link it.
        expect(existsSync(join(projectDir, 'node_modules/.bin/qqbot-dev'))).toBe(true)
        expect(await readFile(join(projectDir, 'Dockerfile'), 'utf8')).toContain(
          'COPY .qqbot/packages ./.qqbot/packages',
        )

        const tested = await buildAndTest(template, manifest.scripts, projectDir)
        for (const entryPoint of entryPoints)
          expect(existsSync(join(projectDir, `dist/${entryPoint}.js`)), `dist/${entryPoint}.js`).toBe(true)
        expect(tested.stdout).toMatch(new RegExp(`Test Files\\s+${testFiles} passed \\(${testFiles}\\)`))
        expect(tested.stdout).toMatch(new RegExp(`Tests\\s+${tests} passed \\(${tests}\\)`))
        expect(await readFile(join(projectDir, 'src/commands/ping.ts'), 'utf8')).toContain(
          locale === 'en' ? "description: 'Check that the bot is alive'" : "description: '检查机器人是否在线'",
        )
        if (template === 'basic') await expectTestTypoToFailTypeCheck(projectDir)
        // The start-up checks are independent child processes: started together. `npm start` is `node
        // dist/index.js` in each template (scaffold.test.ts): npm runs it here for basic, and for distributed in
        // expectRolesLoadAndExplain; the other half-configured starts skip npm's start-up.
        const start = template === 'basic' ? 'npm start' : 'node dist/index.js'
        const [startCommand, ...startArgs] = start.split(' ') as [string, ...string[]]
        const [halfConfigured] = await Promise.all([
          run(startCommand, startArgs, projectDir, 30_000, { QQBOT_APP_ID: '102000001' }),
          expectPortClashInOneLine(projectDir),
          template === 'distributed' ? expectRolesLoadAndExplain(projectDir) : undefined,
        ])
        expect(halfConfigured.code, explain(`${start} with QQBOT_APP_ID only`, halfConfigured)).toBe(1)
        expect(halfConfigured.stderr).toContain('QQBOT_APP_ID is set but QQBOT_APP_SECRET is not')
        if (template === 'distributed') await expectRolesAnswerOverRedis(projectDir)
      },
      E2E_TIMEOUT,
    )
  }
})

describe('create-qqbot --plugin', () => {
  /** A publishable plugin package is created, installed, built, tested and packed. */
  it(
    'GIVEN --plugin greet --lang zh-CN --from this repo THEN the plugin package installs offline, passes its tests, builds and regenerates its README table, and packs only dist/',
    async () => {
      const projectDir = join(workFolder(), 'qqbot-plugin-greet')
      const created = await run(
        'node',
        [CLI, '--plugin', 'greet', '--lang', 'zh-CN', '--yes', '--from', ROOT, '--no-install'],
        workFolder(),
        180_000,
        OFFLINE,
      )
      expect(created.code, explain('create-qqbot --plugin', created)).toBe(0)
      expect(created.stdout).toContain('Created qqbot-plugin-greet (plugin "greet", texts in zh-CN)')
      expect(created.stdout).toMatch(/^\W*npm install\W*$/m)
      await expectSuccess('npm install', installOverBasicProject(projectDir, basicProjectDir()))
      await expectInstalledTreeToBeTheLockfile(projectDir)
      const manifest = JSON.parse(await readFile(join(projectDir, 'package.json'), 'utf8')) as {
        keywords: string[]
        scripts: Record<string, string>
        peerDependencies: Record<string, string>
        devDependencies: Record<string, string>
      }
      expect(manifest.keywords).toContain('qqbot-plugin')
      expect(manifest.peerDependencies['@qqbot/framework']).toBe('^0.1.0')
      expect(manifest.devDependencies['@qqbot/framework']).toBe('file:.qqbot/packages/qqbot-framework-0.1.0.tgz')
      // `npm run readme` below builds first with the build script's command: that build makes the dist/ packed
      // at the end, so a separate `npm run build` would only compile the same sources once more.
      expect(manifest.scripts.readme).toBe(`${manifest.scripts.build} && node scripts/readme.js`)

      const tested = await expectSuccess('npm test', run('npm', ['test'], projectDir))
      expect(tested.stdout).toMatch(/Tests\s+4 passed \(4\)/)

      // A described field changes: `npm run readme` rewrites the table, and the test that compares it passes again.
      // The tests alone (vitest), as the type check above does not change with a description; run by node
      // directly, without npx's start-up.
      const vitest = ['node_modules/vitest/vitest.mjs', 'run']
      const source = join(projectDir, 'src/index.ts')
      await writeFile(source, (await readFile(source, 'utf8')).replace("'用大写字母回答'", "'全部大写'"))
      const stale = await run('node', vitest, projectDir)
      expect(stale.code, explain('vitest with a stale README', stale)).not.toBe(0)
      expect(stale.stdout).toMatch(/Tests\s+1 failed \| 3 passed \(4\)/)
      await expectSuccess('npm run readme', run('npm', ['run', 'readme'], projectDir))
      expect(await readFile(join(projectDir, 'README.md'), 'utf8')).toContain(
        '| `shout` | boolean | `false` | 全部大写 |',
      )
      await expectSuccess('vitest after npm run readme', run('node', vitest, projectDir))

      const packed = await expectSuccess('npm pack --dry-run', run('npm', ['pack', '--dry-run', '--json'], projectDir))
      const files = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path)
      expect(files.sort()).toEqual([
        'README.md',
        'dist/index.d.ts',
        'dist/index.js',
        'dist/index.js.map',
        'package.json',
      ])
    },
    // npm test, two more test runs, a readme (with its build) and a pack on top of the install.
    2 * E2E_TIMEOUT,
  )
})
