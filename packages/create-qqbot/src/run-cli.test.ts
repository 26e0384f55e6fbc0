import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXIT_CANCELLED, EXIT_ERROR, EXIT_OK, runCli } from './run-cli.js'
import { CTRL_C, ENTER, terminal } from './test-terminal.js'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))

let cwd: string
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'create-qqbot-cli-'))
})
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true })
})

/** Runs the CLI on a fake terminal that types one key per redraw. */
async function cli(argv: string[], keys: string[] = [], interactive = true) {
  const { input, output, screen } = terminal(keys)
  const errorOutput = new PassThrough()
  let errors = ''
  errorOutput.on('data', (chunk: Buffer) => (errors += chunk.toString()))
  const code = await runCli(argv, { cwd, env: {}, interactive, input, output, errorOutput })
  return { code, screen: screen(), errors }
}

describe('runCli', () => {
  it('GIVEN answers typed in the prompts THEN the project is written and the next steps include the install', async () => {
    const { code, screen } = await cli([], [...`chat-bot${ENTER}`, ENTER, ENTER, ENTER, ...`n${ENTER}`])
    expect(code).toBe(EXIT_OK)
    expect(await readdir(join(cwd, 'chat-bot'))).toContain('package.json')
    expect(screen).toContain('Created chat-bot (basic template, replies in zh-CN)')
    expect(screen).toMatch(/cd chat-bot\s+│\s+│\s+npm install\s+│\s+│\s+npm run dev/)
  })

  it('GIVEN Ctrl+C in the first prompt THEN it exits 130 and writes nothing', async () => {
    const { code, screen } = await cli([], [CTRL_C])
    expect(code).toBe(EXIT_CANCELLED)
    expect(screen).toContain('Cancelled: nothing was written.')
    expect(await readdir(cwd)).toEqual([])
  })

  it('GIVEN --yes in a terminal THEN nothing is asked and the defaults are used', async () => {
    const { code, screen } = await cli(['bot', '--yes', '--no-install'])
    expect(code).toBe(EXIT_OK)
    expect(screen).not.toContain('Project name')
    expect(screen).toContain('Created bot (basic template, replies in zh-CN)')
  })

  it('GIVEN no terminal and no flags THEN nothing is asked (never hangs) and defaults apply', async () => {
    const { code, screen } = await cli(['--no-install'], [], false)
    expect(code).toBe(EXIT_OK)
    expect(screen).toContain('Created my-qqbot (basic template, replies in zh-CN)')
    expect(await readdir(cwd)).toEqual(['my-qqbot'])
  })

  it('GIVEN --template distributed THEN that project is written and named in the summary', async () => {
    const { code, screen } = await cli(['split-bot', '-t', 'distributed', '--lang', 'en', '--no-install'], [], false)
    expect(code).toBe(EXIT_OK)
    expect(screen).toContain('Created split-bot (distributed template, replies in en)')
    expect(await readdir(join(cwd, 'split-bot'))).toContain('docker-compose.yml')
  })

  it('GIVEN --from a folder that is not a qqbot clone THEN it exits 1 saying so, before asking or writing anything', async () => {
    const { code, errors, screen } = await cli(['bot', '--from', '.'])
    expect(code).toBe(EXIT_ERROR)
    expect(errors).toContain(`--from ${cwd} is not a clone of the qqbot repository: it has no readable package.json`)
    expect(screen).toBe('')
    expect(await readdir(cwd)).toEqual([])
  })

  it('GIVEN --from this repository in a terminal THEN the package manager is not asked and the packages are packed into the project', async () => {
    const { code, screen, errors } = await cli(['from-bot', '--from', REPO, '--no-install'], [ENTER, ENTER])
    expect(errors).toBe('')
    expect(code).toBe(EXIT_OK)
    expect(screen).toContain('Template')
    expect(screen).not.toContain('Package manager')
    expect(screen).toContain('Packing the qqbot packages of')
    expect(await readdir(join(cwd, 'from-bot/.qqbot/packages'))).toContain('qqbot-core-0.1.0.tgz')
    expect(await readdir(join(cwd, 'from-bot'))).toContain('package-lock.json')
  }, 120_000)

  it('GIVEN --lang en THEN the language is not asked and the project answers in English', async () => {
    const { code, screen } = await cli(['en-bot', '--lang', 'en', '--pm', 'npm', '--no-install'], [ENTER])
    expect(code).toBe(EXIT_OK)
    expect(screen).toContain('Template')
    expect(screen).not.toContain('Language')
    expect(await readFile(join(cwd, 'en-bot/src/bot.ts'), 'utf8')).toContain("export const locale: Locale = 'en'")
  })

  it('GIVEN --lang with a language we do not have THEN it exits 1 listing zh-CN and en, writing nothing', async () => {
    const { code, errors } = await cli(['fr-bot', '--lang', 'fr', '--yes'])
    expect(code).toBe(EXIT_ERROR)
    expect(errors).toContain('Unknown language "fr" for --lang. Valid values: zh-CN, en.')
    expect(await readdir(cwd)).toEqual([])
  })

  it('GIVEN a bad flag THEN it exits 1 with the reason on the error output', async () => {
    const { code, errors, screen } = await cli(['--pm', 'bun'])
    expect(code).toBe(EXIT_ERROR)
    expect(errors).toContain('Unknown package manager "bun" for --pm. Valid values: npm, pnpm, yarn.')
    expect(screen).toBe('')
  })
})
