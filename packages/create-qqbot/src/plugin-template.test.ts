import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { configTable } from '@qqbot/framework'
import { CreateQqbotError } from './errors.js'
import { LOCALE_NAMES, type Locale } from './locales.js'
import { parseFlags, planFromFlags, pluginPackageName } from './options.js'
import { planFiles, scaffold } from './scaffold.js'
import { PLUGIN_TEMPLATE, TEMPLATES_ROOT } from './templates.js'

/** `create-qqbot --plugin`: flags, plan, files; the e2e test (test/create-qqbot.test.ts) installs, builds and tests one. */

let dir: string
const projects = {} as Record<Locale, string>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'create-qqbot-plugin-'))
  for (const locale of LOCALE_NAMES) {
    projects[locale] = join(dir, locale)
    await scaffold({
      targetDir: projects[locale],
      name: 'qqbot-plugin-greet',
      plugin: 'greet',
      template: PLUGIN_TEMPLATE.name,
      locale,
      packageManager: 'pnpm',
    })
  }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function parseError(argv: string[]): CreateQqbotError {
  try {
    parseFlags(argv)
  } catch (error) {
    expect(error).toBeInstanceOf(CreateQqbotError)
    return error as CreateQqbotError
  }
  throw new Error(`parseFlags(${argv.join(' ')}) did not throw`)
}

describe('create-qqbot --plugin', () => {
  it('GIVEN --plugin THEN the package is qqbot-plugin-<name> in a folder of that name, scoped names keep their scope', () => {
    expect(planFromFlags(parseFlags(['--plugin', 'greet']), { cwd: '/work' })).toMatchObject({
      name: 'qqbot-plugin-greet',
      plugin: 'greet',
      template: 'plugin',
      targetDir: '/work/qqbot-plugin-greet',
    })
    expect(planFromFlags(parseFlags(['-p', '@team/greet', 'here']), { cwd: '/work' })).toMatchObject({
      name: '@team/qqbot-plugin-greet',
      plugin: '@team/greet',
      targetDir: '/work/here',
    })
    // The prefix given anyway is not doubled.
    expect(parseFlags(['--plugin', 'qqbot-plugin-greet']).plugin).toBe('greet')
    expect(pluginPackageName('@team/greet')).toBe('@team/qqbot-plugin-greet')
    expect(planFromFlags(parseFlags(['--plugin', 'greet', '--name', 'greeter']), { cwd: '/work' }).name).toBe('greeter')
  })

  it('GIVEN a name definePlugin would refuse, or --template too THEN INVALID_VALUE says what to write', () => {
    const invalid = parseError(['--plugin', 'Greet_Bot'])
    expect(invalid.code).toBe('INVALID_VALUE')
    expect(invalid.message).toContain('--plugin "Greet_Bot" is not a valid plugin name')
    const both = parseError(['--plugin', 'greet', '--template', 'basic'])
    expect(both.message).toBe(
      '--plugin makes a plugin package and --template chooses a bot template: give one of them.',
    )
    expect(parseError(['--plugin']).code).toBe('MISSING_VALUE')
  })

  it('GIVEN the plugin template THEN it has the package files and its language folder', async () => {
    expect((await planFiles(PLUGIN_TEMPLATE.name, { locale: 'en' })).map((file) => file.target)).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'scripts/readme.js',
      'src/index.ts',
      'test/plugin.test.ts',
      'tsconfig.json',
      'tsconfig.test.json',
      'vitest.config.ts',
    ])
  })

  it('GIVEN a plugin project THEN package.json is ready to publish with the framework as a peer', async () => {
    const manifest = JSON.parse(await readFile(join(projects.en, 'package.json'), 'utf8')) as Record<string, unknown>
    expect(manifest).toMatchObject({
      name: 'qqbot-plugin-greet',
      type: 'module',
      keywords: ['qqbot', 'qqbot-plugin'],
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
      files: ['dist'],
      engines: { node: '>=20.18.1' },
      peerDependencies: { '@qqbot/framework': '^0.1.0', zod: '^4.6.7' },
      scripts: { prepublishOnly: 'pnpm build && pnpm test' },
    })
    expect(manifest).not.toHaveProperty('private')
    expect(manifest).not.toHaveProperty('dependencies')
  })

  it('GIVEN each language THEN the plugin is named, its texts are in that language, and the README table is the schema’s', async () => {
    for (const locale of LOCALE_NAMES) {
      const source = await readFile(join(projects[locale], 'src/index.ts'), 'utf8')
      expect(source).toContain("name: 'greet'")
      expect(source).toContain(locale === 'en' ? "greeting: z.string().min(1).default('Hello')" : "default('你好')")
      // The schema of the written plugin, rebuilt here: the README's table must be what configTable renders.
      const schema = z.object({
        greeting: z
          .string()
          .min(1)
          .default(locale === 'en' ? 'Hello' : '你好')
          .describe(locale === 'en' ? 'What the bot says before the name' : '名字前面的问候语'),
        shout: z
          .boolean()
          .default(false)
          .describe(locale === 'en' ? 'Answer in capital letters' : '用大写字母回答'),
      })
      const readme = await readFile(join(projects[locale], 'README.md'), 'utf8')
      expect(readme).toContain(`<!-- config:start -->\n${configTable(schema, { locale })}<!-- config:end -->`)
      expect(await readFile(join(projects[locale], 'scripts/readme.js'), 'utf8')).toContain(`{ locale: '${locale}' }`)
    }
  })

  it('GIVEN the two language folders THEN they hold the same files', async () => {
    const files = async (locale: Locale) =>
      (await planFiles(PLUGIN_TEMPLATE.name, { locale })).map((file) => file.source.slice(TEMPLATES_ROOT.length))
    expect((await files('en')).map((path) => path.replace('/en/', '/*/'))).toEqual(
      (await files('zh-CN')).map((path) => path.replace('/zh-CN/', '/*/')),
    )
  })
})
