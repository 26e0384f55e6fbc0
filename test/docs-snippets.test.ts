import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * Every ```ts block in docs/*.md must compile against the workspace packages as built (`@qqbot/core`,
 * `@qqbot/fake-platform` resolve to their dist/*.d.ts; `npm test` builds them first). Blocks marked
 * ```ts-fragment are not meant to compile alone and are skipped. Each block is written to its own module
 * in test/.snippets-tmp/<run>/ (so top-level await works and names never collide) and type-checked in one program.
 */

const root = fileURLToPath(new URL('..', import.meta.url))
const docsDir = join(root, 'docs')
const tmpRoot = join(root, 'test', '.snippets-tmp')
// One directory per run: two runs at once (a watcher and `npm test`) must not delete each other's files.
const workDir = join(tmpRoot, `${process.pid}-${Date.now().toString(36)}`)

interface Snippet {
  /** docs/<file>.md */
  doc: string
  /** 1-based line in the doc of the snippet's first code line */
  line: number
  code: string
}

const OPENING_FENCE = /^(\s*)```(\S*)\s*$/

function collectSnippets(): Snippet[] {
  const snippets: Snippet[] = []
  for (const name of readdirSync(docsDir)
    .filter((file) => file.endsWith('.md'))
    .sort()) {
    const lines = readFileSync(join(docsDir, name), 'utf8').split('\n')
    for (let i = 0; i < lines.length; i++) {
      const open = OPENING_FENCE.exec(lines[i]!)
      if (!open) continue
      const [, indent = '', lang] = open
      let end = i + 1
      while (end < lines.length && lines[end]!.trim() !== '```') end++
      if (end === lines.length) throw new Error(`docs/${name}:${i + 1}: code block is never closed`)
      if (lang === 'ts' || lang === 'typescript') {
        const code = lines.slice(i + 1, end).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
        snippets.push({ doc: `docs/${name}`, line: i + 2, code: code.join('\n') })
      }
      i = end
    }
  }
  return snippets
}

/**
 * tsconfig.base.json's compiler options, minus emit. The packages resolve to their built declarations (dist/*.d.ts,
 * what a user's project sees), not their sources: reading the declarations costs a fraction of parsing every source.
 */
function compilerOptions(): ts.CompilerOptions {
  const base = ts.readConfigFile(join(root, 'tsconfig.base.json'), (path) => ts.sys.readFile(path))
  if (base.error) throw new Error(ts.flattenDiagnosticMessageText(base.error.messageText, '\n'))
  const { options, errors } = ts.convertCompilerOptionsFromJson(base.config.compilerOptions, root)
  if (errors.length > 0)
    throw new Error(errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, '\n')).join('\n'))
  return {
    ...options,
    composite: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    incremental: false,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  }
}

/** A snippet that must fail: proves that diagnostics in snippet files are reported and the packages resolve. */
const CANARY = `import { createClient } from '@qqbot/core'\ncreateClient({ appId: 102000001, secret: 'secret' })\n`

describe('docs snippets', () => {
  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true })
    try {
      rmdirSync(tmpRoot) // only when no other run is using it
    } catch {
      // not empty, or already gone
    }
  })

  it('GIVEN every ts snippet in docs/ THEN it type-checks against the workspace packages', () => {
    const snippets = collectSnippets()
    expect(snippets.length).toBeGreaterThan(10)

    mkdirSync(workDir, { recursive: true })
    const files = snippets.map((snippet, index) => {
      const path = join(workDir, `${snippet.doc.replace(/^docs\/|\.md$/g, '')}-L${snippet.line}-${index}.ts`)
      writeFileSync(path, `${snippet.code}\nexport {}\n`)
      return path
    })
    const canary = join(workDir, 'canary.ts')
    writeFileSync(canary, CANARY)

    const program = ts.createProgram([...files, canary], compilerOptions())
    // Diagnostics of the snippet files only: checking every workspace source file as well would triple the time.
    const diagnostics: ts.Diagnostic[] = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]
    for (const file of [...files, canary]) {
      const sourceFile = program.getSourceFile(file)
      if (!sourceFile) throw new Error(`${file} is not part of the program`)
      diagnostics.push(...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile))
    }

    const canaryErrors = diagnostics.filter((diagnostic) => diagnostic.file?.fileName === canary)
    expect(canaryErrors.map((diagnostic) => diagnostic.code)).toContain(2322)
    const sources = program.getSourceFiles().map((file) => file.fileName)
    expect(sources.some((file) => file.endsWith('/packages/core/dist/index.d.ts'))).toBe(true)
    expect(sources.some((file) => file.endsWith('/packages/fake-platform/dist/index.d.ts'))).toBe(true)

    const problems = diagnostics
      .filter((diagnostic) => diagnostic.file === undefined || files.includes(diagnostic.file.fileName))
      .map((diagnostic) => {
        const text = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`
        if (!diagnostic.file) return `(compiler options) ${text}`
        const snippet = snippets[files.indexOf(diagnostic.file.fileName)]!
        const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
        return `${snippet.doc}:${snippet.line + line}:${character + 1}: ${text}`
      })
    expect(problems).toEqual([])
  }, 180_000)
})
