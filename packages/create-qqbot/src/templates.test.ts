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
  it('GIVEN each generated package.json THEN every dependency has exactly the range the workspace uses', async () => {
    const workspace = new Map<string, string>()
    const root = await json(join(REPO, 'package.json'))
    for (const [name, range] of Object.entries(root.devDependencies!)) workspace.set(name, range)
    for (const folder of ['core', 'framework', 'testing', 'sandbox', 'fake-platform', 'redis']) {
      const manifest = await json(join(REPO, 'packages', folder, 'package.json'))
      workspace.set(manifest.name as unknown as string, manifest.version as unknown as string)
      for (const [name, range] of Object.entries(manifest.dependencies ?? {}))
        if (!name.startsWith('@qqbot/')) workspace.set(name, range)
    }
    const example = await json(join(REPO, 'examples', 'distributed', 'package.json'))
    const common = [
      '@qqbot/core',
      '@qqbot/framework',
      '@qqbot/sandbox',
      '@qqbot/testing',
      '@swc/core',
      '@types/node',
      'typescript',
      'unplugin-swc',
      'vitest',
      'zod',
    ]
    const expected = {
      shared: common,
      distributed: [...common, '@qqbot/redis', 'ioredis'].sort(),
      'plugin/shared': common.filter((name) => !['@qqbot/core', '@qqbot/sandbox'].includes(name)),
    }
    for (const [folder, names] of Object.entries(expected)) {
      const generated = await json(
        join(TEMPLATES_ROOT, folder, folder.startsWith('plugin') ? 'package.json.template' : 'package.json'),
      )
      const ranges = { ...generated.dependencies, ...generated.devDependencies }
      expect({ folder, names: Object.keys(ranges).sort() }).toEqual({ folder, names })
      for (const [name, range] of Object.entries(ranges))
        expect({ folder, name, range }).toEqual({ folder, name, range: workspace.get(name) })
      expect(ranges['@swc/core']).toBe('1.16.18')
    }
    expect(example.dependencies!.ioredis).toBe(workspace.get('ioredis'))
  })

  it('GIVEN the distributed package.json THEN it keeps the shared fields and adds the ingress and worker scripts', async () => {
    const shared = await json(join(TEMPLATES_ROOT, 'shared', 'package.json'))
    const distributed = await json(join(TEMPLATES_ROOT, 'distributed', 'package.json'))
    expect({ ...distributed, scripts: undefined, dependencies: undefined }).toEqual({
      ...shared,
      scripts: undefined,
      dependencies: undefined,
    })
    expect(distributed.scripts).toEqual({
      ...shared.scripts,
      ingress: 'node dist/ingress.js',
      worker: 'node dist/worker.js',
    })
  })

  it('GIVEN the template list THEN names are unique and each starts from the shared files', () => {
    expect(new Set(TEMPLATES.map((template) => template.name)).size).toBe(TEMPLATES.length)
    for (const template of TEMPLATES) expect(template.layers).toEqual(['shared', template.name])
  })

  it('GIVEN stored file names THEN a leading _ becomes a dot, a .template suffix goes, and other names stay', () => {
    expect(targetName('_gitignore')).toBe('.gitignore')
    expect(targetName('_env.example')).toBe('.env.example')
    expect(targetName('index.ts')).toBe('index.ts')
    expect(targetName('package.json.template')).toBe('package.json')
  })
})
