import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CLI,
  E2E_TIMEOUT,
  explain,
  expectSuccess,
  OFFLINE,
  ROOT,
  run,
  useWorkFolder,
} from './support/create-qqbot-e2e.js'

/** `create-qqbot --plugin` end to end, offline: a publishable plugin package is created, installed, built, tested and packed. */

const workFolder = useWorkFolder()

describe('create-qqbot --plugin', () => {
  it(
    'GIVEN --plugin greet --lang zh-CN --from this repo THEN the plugin package installs offline, passes its tests, builds and regenerates its README table, and packs only dist/',
    async () => {
      const projectDir = join(workFolder(), 'qqbot-plugin-greet')
      const created = await run(
        'node',
        [CLI, '--plugin', 'greet', '--lang', 'zh-CN', '--yes', '--from', ROOT],
        workFolder(),
        180_000,
        OFFLINE,
      )
      expect(created.code, explain('create-qqbot --plugin', created)).toBe(0)
      expect(created.stdout).toContain('Created qqbot-plugin-greet (plugin "greet", texts in zh-CN)')
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
