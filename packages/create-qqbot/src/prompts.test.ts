import type { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { CancelledError } from './errors.js'
import { parseFlags } from './options.js'
import { askMissing, type AskContext } from './prompts.js'
import { CTRL_C, DOWN, ENTER, terminal } from './test-terminal.js'

function context(io: { input: PassThrough; output: PassThrough }, checked: string[] = []): AskContext {
  return { cwd: '/work', ...io, checkTarget: async (dir) => void checked.push(dir) }
}

describe('askMissing', () => {
  it('GIVEN no flags THEN it asks name, template, language, package manager and install, in that order', async () => {
    const io = terminal(
      ['cool-bot' + ENTER, DOWN + ENTER, DOWN + ENTER, DOWN + ENTER, 'n' + ENTER].flatMap((answer) => [...answer]),
    )
    const checked: string[] = []
    const plan = await askMissing(parseFlags([]), context(io, checked))
    expect(plan).toEqual({
      name: 'cool-bot',
      targetDir: '/work/cool-bot',
      template: 'webhook',
      locale: 'en',
      packageManager: 'pnpm',
      install: false,
    })
    expect(checked).toEqual(['/work/cool-bot'])
    expect(io.screen()).toMatch(
      /Project name[\s\S]*Template[\s\S]*Language of the bot's replies[\s\S]*Package manager[\s\S]*Install the dependencies now \(pnpm install\)\?/,
    )
  })

  it('GIVEN flags for everything but the template THEN only the template is asked', async () => {
    const io = terminal([ENTER])
    const plan = await askMissing(parseFlags(['bot', '--lang', 'en', '--pm', 'yarn', '--install']), context(io))
    expect(plan).toEqual({
      name: 'bot',
      targetDir: '/work/bot',
      template: 'basic',
      locale: 'en',
      packageManager: 'yarn',
      install: true,
    })
    expect(io.screen()).toContain('Template')
    expect(io.screen()).not.toContain('Project name')
    expect(io.screen()).not.toContain('Language')
  })

  it('GIVEN --plugin THEN the package name follows from it and no template is asked', async () => {
    const io = terminal([DOWN, ENTER, ENTER, ENTER])
    const plan = await askMissing(parseFlags(['--plugin', 'greet']), context(io))
    expect(plan).toEqual({
      name: 'qqbot-plugin-greet',
      plugin: 'greet',
      targetDir: '/work/qqbot-plugin-greet',
      template: 'plugin',
      locale: 'en',
      packageManager: 'npm',
      install: true,
    })
    expect(io.screen()).toContain("Language of the plugin's texts and README")
    expect(io.screen()).not.toContain('Project name')
    expect(io.screen()).not.toContain('Template')
  })

  it('GIVEN the language question THEN zh-CN is the default and both languages are listed', async () => {
    const io = terminal([ENTER])
    const plan = await askMissing(parseFlags(['bot', '-t', 'basic', '--pm', 'npm', '--no-install']), context(io))
    expect(plan.locale).toBe('zh-CN')
    expect(io.screen()).toContain("Language of the bot's replies")
    expect(io.screen()).toContain('简体中文 (zh-CN)')
    expect(io.screen()).toContain('English (en)')
  })

  it('GIVEN the template list THEN distributed is the third choice, with its hint', async () => {
    const io = terminal([DOWN, DOWN, ENTER])
    const plan = await askMissing(parseFlags(['bot', '--lang', 'en', '--pm', 'npm', '--no-install']), context(io))
    expect(plan.template).toBe('distributed')
    expect(io.screen()).toContain('ingress + worker processes over Redis')
  })

  it('GIVEN Ctrl+C in a prompt THEN it throws CancelledError before anything else is asked', async () => {
    const io = terminal([CTRL_C])
    await expect(askMissing(parseFlags([]), context(io))).rejects.toBeInstanceOf(CancelledError)
    expect(io.screen()).toContain('Cancelled: nothing was written.')
    expect(io.screen()).not.toContain('Template')
  })

  it('GIVEN a folder that cannot be used THEN its error comes before the other questions', async () => {
    const io = terminal([])
    const refusing: AskContext = {
      cwd: '/work',
      ...io,
      checkTarget: async () => Promise.reject(new Error('not empty')),
    }
    await expect(askMissing(parseFlags(['taken']), refusing)).rejects.toThrow('not empty')
    expect(io.screen()).toBe('')
  })
})
