import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { TEMPLATES, TEMPLATES_ROOT, targetName } from './templates.js'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))

async function json(path: string): Promise<Record<string, Record<string, string>>> {
  return JSON.parse(await readFile(path, 'utf8'))
}

describe('templates', () => {
  it('GIVEN the generated package.json THEN every dependency has exactly the range the workspace uses', async () => {
    const generated = await json(join(TEMPLATES_ROOT, 'shared', 'package.json'))
    const workspace = new Map<string, string>()
    const root = await json(join(REPO, 'package.json'))
    for (const [name, range] of Object.entries(root.devDependencies!)) workspace.set(name, range)
    for (const folder of ['core', 'framework', 'testing', 'sandbox', 'fake-platform']) {
      const manifest = await json(join(REPO, 'packages', folder, 'package.json'))
      workspace.set(manifest.name as unknown as string, manifest.version as unknown as string)
      for (const [name, range] of Object.entries(manifest.dependencies ?? {})) if (!name.startsWith('@qqbot/')) workspace.set(name, range)
    }
    const ranges = { ...generated.dependencies, ...generated.devDependencies }
    expect(Object.keys(ranges).sort()).toEqual(['@qqbot/core', '@qqbot/framework', '@qqbot/sandbox', '@qqbot/testing', '@swc/core', '@types/node', 'typescript', 'unplugin-swc', 'vitest', 'zod'])
    for (const [name, range] of Object.entries(ranges)) expect({ name, range }).toEqual({ name, range: workspace.get(name) })
    expect(ranges['@swc/core']).toBe('1.16.18')
  })

  it('GIVEN the template list THEN names are unique and each starts from the shared files', () => {
    expect(new Set(TEMPLATES.map((template) => template.name)).size).toBe(TEMPLATES.length)
    for (const template of TEMPLATES) expect(template.layers).toEqual(['shared', template.name])
  })

  it('GIVEN stored file names THEN a leading _ becomes a dot and other names stay', () => {
    expect(targetName('_gitignore')).toBe('.gitignore')
    expect(targetName('_env.example')).toBe('.env.example')
    expect(targetName('index.ts')).toBe('index.ts')
  })
})
