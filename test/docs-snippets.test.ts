import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const docsDir = join(root, 'docs')
const workDir = join(root, 'test', '.snippets-tmp')

interface Snippet {
  file: string
  line: number
  code: string
}

/** Every ```ts block in docs/*.md (```ts-fragment blocks are not meant to compile alone and are skipped). */
function collectSnippets(): Snippet[] {
  const snippets: Snippet[] = []
  for (const name of readdirSync(docsDir).filter((file) => file.endsWith('.md'))) {
    const lines = readFileSync(join(docsDir, name), 'utf8').split('\n')
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.trim() !== '```ts') continue
      const start = i + 1
      let end = start
      while (end < lines.length && lines[end]!.trim() !== '```') end++
      snippets.push({ file: name, line: start + 1, code: lines.slice(start, end).join('\n') })
      i = end
    }
  }
  return snippets
}

describe('docs snippets', () => {
  afterAll(() => rmSync(workDir, { recursive: true, force: true }))

  it('GIVEN every ts snippet in docs/ THEN it type-checks against the workspace packages', () => {
    const snippets = collectSnippets()
    expect(snippets.length).toBeGreaterThan(5)
    rmSync(workDir, { recursive: true, force: true })
    mkdirSync(workDir, { recursive: true })
    const files = snippets.map((snippet, index) => {
      const path = join(workDir, `snippet-${index}.ts`)
      writeFileSync(path, `${snippet.code}\nexport {}\n`)
      return path
    })
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      customConditions: ['source'],
      types: ['node'],
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    })
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file && files.includes(diagnostic.file.fileName))
      .map((diagnostic) => {
        const index = files.indexOf(diagnostic.file!.fileName)
        const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
        const snippet = snippets[index]!
        return `docs/${snippet.file}:${snippet.line + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`
      })
    expect(problems).toEqual([])
  })
})
