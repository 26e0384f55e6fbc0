import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ts from 'typescript'
import { MESSAGES } from '@qqbot/framework'
import { LOCALE_NAMES, type Locale } from './locales.js'
import { scaffold } from './scaffold.js'
import { TEMPLATE_NAMES, TEMPLATES_ROOT, type TemplateName } from './templates.js'

/** Han characters: what a zh-CN text has and an English one has not. */
const HAN = /\p{Script=Han}/u

/** createBot in index.ts (twice: QQ and the local page; once in distributed) and ingress.ts and worker.ts, plus the tests' three createTestBot. */
const BOT_CALLS: Record<TemplateName, number> = { basic: 5, webhook: 5, distributed: 6 }

let dir: string
/** Every template written in every language: `projects[template][locale]` is the project folder. */
const projects = {} as Record<TemplateName, Record<Locale, string>>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'create-qqbot-locales-'))
  for (const template of TEMPLATE_NAMES) {
    projects[template] = {} as Record<Locale, string>
    for (const locale of LOCALE_NAMES) {
      const targetDir = join(dir, `${template}-${locale}`)
      await scaffold({ targetDir, name: `${template}-bot`, template, locale, packageManager: 'npm' })
      projects[template][locale] = targetDir
    }
  }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The project's TypeScript files (`src/` and `test/`), parsed. */
async function sourceFiles(projectDir: string): Promise<ts.SourceFile[]> {
  const files: ts.SourceFile[] = []
  for (const folder of ['src', 'test']) {
    const entries = await readdir(join(projectDir, folder), { recursive: true, withFileTypes: true })
    for (const entry of entries.filter((each) => each.isFile() && each.name.endsWith('.ts'))) {
      const path = join(entry.parentPath, entry.name)
      files.push(ts.createSourceFile(path, await readFile(path, 'utf8'), ts.ScriptTarget.Latest, true))
    }
  }
  return files
}

function descendants(node: ts.Node): ts.Node[] {
  const found: ts.Node[] = []
  const visit = (child: ts.Node) => {
    found.push(child)
    ts.forEachChild(child, visit)
  }
  ts.forEachChild(node, visit)
  return found
}

/** The text of every `description: '…'` property (commands and arguments). */
function descriptions(file: ts.SourceFile): string[] {
  return descendants(file)
    .filter(ts.isPropertyAssignment)
    .filter((property) => property.name.getText(file) === 'description' && ts.isStringLiteral(property.initializer))
    .map((property) => (property.initializer as ts.StringLiteral).text)
}

/** Every `createBot(…)` and `createTestBot(…)` call, with whether its options pass `locale`. */
function botCalls(file: ts.SourceFile): { call: string; passesLocale: boolean }[] {
  return descendants(file)
    .filter(ts.isCallExpression)
    .filter((call) => ['createBot', 'createTestBot'].includes(call.expression.getText(file)))
    .map((call) => {
      const [options] = call.arguments
      const passesLocale =
        options !== undefined &&
        ts.isObjectLiteralExpression(options) &&
        options.properties.some((property) => property.name?.getText(file) === 'locale')
      const { line } = file.getLineAndCharacterOfPosition(call.getStart(file))
      return { call: `${file.fileName}:${line + 1} ${call.expression.getText(file)}`, passesLocale }
    })
}

/** The texts a test names its cases with: `describe('…')` and `it('…')`. */
function testNames(file: ts.SourceFile): string[] {
  return descendants(file)
    .filter(ts.isCallExpression)
    .filter((call) => ['describe', 'it'].includes(call.expression.getText(file)))
    .map((call) => call.arguments[0])
    .filter((first): first is ts.StringLiteral => first !== undefined && ts.isStringLiteral(first))
    .map((first) => first.text)
}

/**
 * The code of a file with every string, template and regular-expression text blanked (module specifiers kept)
 * and comments dropped: two language versions of a file must have the same shape, so a fix in one that is
 * missing in the other fails.
 */
function codeShape(path: string, text: string): string {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
  const blankTexts: ts.TransformerFactory<ts.SourceFile> = (context) => {
    const { factory } = context
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return node
      if (ts.isStringLiteral(node)) return factory.createStringLiteral('…')
      if (ts.isNoSubstitutionTemplateLiteral(node)) return factory.createNoSubstitutionTemplateLiteral('…')
      if (ts.isRegularExpressionLiteral(node)) return factory.createRegularExpressionLiteral('/…/')
      if (ts.isTemplateExpression(node)) {
        const spans = node.templateSpans.map((span, index) =>
          factory.createTemplateSpan(
            ts.visitNode(span.expression, visit) as ts.Expression,
            index === node.templateSpans.length - 1
              ? factory.createTemplateTail('…')
              : factory.createTemplateMiddle('…'),
          ),
        )
        return factory.createTemplateExpression(factory.createTemplateHead('…'), spans)
      }
      return ts.visitEachChild(node, visit, context)
    }
    return (root) => ts.visitNode(root, visit) as ts.SourceFile
  }
  const [blanked] = ts.transform(file, [blankTexts]).transformed
  return ts.createPrinter({ removeComments: true }).printFile(blanked!)
}

describe('languages', () => {
  it("GIVEN the framework's languages THEN create-qqbot offers exactly those (the --lang values are locale values)", () => {
    expect([...LOCALE_NAMES].sort()).toEqual(Object.keys(MESSAGES).sort())
  })

  it('GIVEN the language folders THEN each has the same files, with the same code apart from texts and comments', async () => {
    const files = async (locale: Locale) =>
      (await readdir(join(TEMPLATES_ROOT, 'locales', locale), { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(join(TEMPLATES_ROOT, 'locales', locale).length + 1))
        .sort()
    const [first, ...others] = LOCALE_NAMES
    const reference = await files(first!)
    expect(reference).toEqual(['src/commands/dice.ts', 'src/commands/ping.ts', 'test/commands.test.ts'])
    for (const locale of others) {
      expect(await files(locale)).toEqual(reference)
      for (const path of reference) {
        const read = (of: Locale) => readFile(join(TEMPLATES_ROOT, 'locales', of, path), 'utf8')
        expect({ path, code: codeShape(path, await read(locale)) }).toEqual({
          path,
          code: codeShape(path, await read(first!)),
        })
      }
    }
  })

  it('GIVEN the plugin template’s language folders THEN its source and test have the same code apart from texts and comments', async () => {
    const [first, ...others] = LOCALE_NAMES
    for (const path of ['src/index.ts', 'test/plugin.test.ts']) {
      const read = (of: Locale) => readFile(join(TEMPLATES_ROOT, 'plugin/locales', of, path), 'utf8')
      const reference = codeShape(path, await read(first!))
      for (const locale of others)
        expect({ path, code: codeShape(path, await read(locale)) }).toEqual({ path, code: reference })
    }
  })

  for (const template of TEMPLATE_NAMES) {
    it(`GIVEN the ${template} template THEN src/bot.ts exports the language and every createBot and createTestBot passes it`, async () => {
      for (const locale of LOCALE_NAMES) {
        const projectDir = projects[template][locale]
        expect(await readFile(join(projectDir, 'src/bot.ts'), 'utf8')).toContain(
          `export const locale: Locale = '${locale}'`,
        )
        const calls = (await sourceFiles(projectDir)).flatMap(botCalls)
        expect(calls).toHaveLength(BOT_CALLS[template])
        expect(calls.filter((call) => !call.passesLocale).map((call) => call.call)).toEqual([])
      }
    })

    it(`GIVEN the ${template} template in zh-CN THEN no English description or test name is left; in en no Chinese one`, async () => {
      for (const locale of LOCALE_NAMES) {
        const files = await sourceFiles(projects[template][locale])
        const texts = files.flatMap((file) => [
          ...descriptions(file),
          ...(file.fileName.endsWith('commands.test.ts') ? testNames(file) : []),
        ])
        // Ping and Dice: the two commands and the one argument; the test's describe and three cases.
        expect(texts).toHaveLength(7)
        const wrong = texts.filter((text) => (locale === 'zh-CN' ? !HAN.test(text) : HAN.test(text)))
        expect({ locale, wrong }).toEqual({ locale, wrong: [] })
      }
    })
  }

  it('GIVEN a project in each language THEN only the language files and the locale line differ', async () => {
    const read = (locale: Locale, path: string) => readFile(join(projects.basic[locale], path), 'utf8')
    for (const path of ['src/index.ts', 'src/services/random.ts', 'package.json', 'tsconfig.test.json']) {
      expect(await read('en', path)).toBe(await read('zh-CN', path))
    }
    expect((await read('en', 'src/bot.ts')).replace("'en'", "'zh-CN'")).toBe(await read('zh-CN', 'src/bot.ts'))
    expect((await read('en', 'README.md')).replace('`locale` (en)', '`locale` (zh-CN)')).toBe(
      await read('zh-CN', 'README.md'),
    )
  })
})
