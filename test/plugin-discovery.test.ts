import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from './support/ensure-built.js'

/**
 * Plugin discovery from a built project, as a bot's main runs it: a TypeScript project in a temp folder (its
 * own plugins folder, a qqbot.config.ts, package.json "qqbot.plugins", installed plugin packages) is compiled
 * with tsc against the built @qqbot/framework, then `node dist/main.js` discovers its plugins in a child process.
 */

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
// Compiling a project and starting node twice on a loaded 2-core machine.
const TIMEOUT = 120_000

let project: string

interface Run {
  code: number
  stdout: string
  stderr: string
}

function node(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, timeout: TIMEOUT }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(project, path)), { recursive: true })
  await writeFile(join(project, path), text)
}

/** Links a package of this workspace into the project's node_modules, as an install of it would put it. */
async function link(name: string, target: string): Promise<void> {
  await mkdir(dirname(join(project, 'node_modules', name)), { recursive: true })
  await symlink(target, join(project, 'node_modules', name), 'dir')
}

/** An installed plugin package, published as built JavaScript. */
async function writePluginPackage(name: string, pluginName: string, manifest: object): Promise<void> {
  await write(
    `node_modules/${name}/package.json`,
    JSON.stringify({ name, version: '1.0.0', type: 'module', exports: { '.': './dist/index.js' }, ...manifest }),
  )
  await write(
    `node_modules/${name}/dist/index.js`,
    [
      "import { z } from 'zod'",
      "import { definePlugin } from '@qqbot/framework'",
      `export default definePlugin({ name: '${pluginName}', version: '1.0.0', config: z.object({ sides: z.number().int().default(6) }) })`,
      '',
    ].join('\n'),
  )
}

const MANIFEST = {
  name: 'discovery-bot',
  version: '0.0.0',
  private: true,
  type: 'module',
  qqbot: {
    plugins: {
      'qqbot-plugin-dice': { sides: 20 },
      'dice-tools': {},
      './dist/plugins': { echo: { prefix: '>' } },
    },
  },
}

beforeAll(async () => {
  ensureBuilt(['packages/framework'])
  project = await mkdtemp(join(tmpdir(), 'qqbot-plugin-discovery-'))
  await link('@qqbot/framework', join(ROOT, 'packages/framework'))
  await link('zod', join(ROOT, 'node_modules/zod'))
  await link('@types/node', join(ROOT, 'node_modules/@types/node'))
  await writePluginPackage('qqbot-plugin-dice', 'dice', {})
  // Named freely, found by its keyword.
  await writePluginPackage('dice-tools', 'dice-tools', { keywords: ['qqbot', 'qqbot-plugin'] })
  await write('package.json', JSON.stringify(MANIFEST, null, 2))
  await write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        types: ['node'],
        rootDir: 'src',
        outDir: 'dist',
      },
      include: ['src'],
    }),
  )
  await write(
    'src/plugins/echo.ts',
    `import { z } from 'zod'
import { Command, Controller, Rest, definePlugin } from '@qqbot/framework'

@Controller()
class Echo {
  @Command('echo')
  echo(@Rest('text', z.string()) text: string) {
    return text
  }
}

export default definePlugin({
  name: 'echo',
  config: z.object({ prefix: z.string().default('') }),
  controllers: [Echo],
})
`,
  )
  await write(
    'src/plugins/greet/index.ts',
    `import { definePlugin } from '@qqbot/framework'
export const plugin = definePlugin({ name: 'greet' })
`,
  )
  await write(
    'src/plugins/greet/words.ts',
    `export const HELLO = 'hello'
`,
  )
  await write(
    'src/qqbot.config.ts',
    `import { definePlugin, type QqbotConfig } from '@qqbot/framework'

const inline = definePlugin({ name: 'inline' })

export default { plugins: [inline] } satisfies QqbotConfig
`,
  )
  await write(
    'src/main.ts',
    `import { discoverPlugins, PluginDiscoveryError } from '@qqbot/framework'

try {
  const plugins = await discoverPlugins({ root: new URL('..', import.meta.url) })
  for (const plugin of plugins) {
    const { name, config, controllers = [] } = plugin.declaration
    const parsed = config ? config.parse(plugin.input) : plugin.input
    console.log(JSON.stringify({ name, config: parsed, controllers: controllers.map((c) => c.name) }))
  }
} catch (error) {
  if (!(error instanceof PluginDiscoveryError)) throw error
  console.error(JSON.stringify({ code: error.code, message: error.message }))
  process.exitCode = 1
}
`,
  )
  const built = await node([TSC, '-p', 'tsconfig.json'], project)
  expect(built.code, `tsc failed:\n${built.stdout}${built.stderr}`).toBe(0)
}, TIMEOUT)

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true })
})

describe('plugin discovery in a built project', () => {
  it('GIVEN package.json "qqbot.plugins" and dist/qqbot.config.js THEN node dist/main.js finds every plugin with its config', async () => {
    const run = await node(['dist/main.js'], project)
    expect(run.code, run.stderr).toBe(0)
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { name: 'dice', config: { sides: 20 }, controllers: [] },
      { name: 'dice-tools', config: { sides: 6 }, controllers: [] },
      { name: 'echo', config: { prefix: '>' }, controllers: ['Echo'] },
      { name: 'greet', config: undefined, controllers: [] },
      { name: 'inline', config: undefined, controllers: [] },
    ])
  })

  it('GIVEN a listed package that is not installed THEN main reports PLUGIN_PACKAGE_NOT_INSTALLED naming it', async () => {
    const plugins = { ...MANIFEST.qqbot.plugins, 'qqbot-plugin-weather': {} }
    await write('package.json', JSON.stringify({ ...MANIFEST, qqbot: { plugins } }))
    try {
      const run = await node(['dist/main.js'], project)
      expect(run.code).toBe(1)
      const reported = JSON.parse(run.stderr) as { code: string; message: string }
      expect(reported.code).toBe('PLUGIN_PACKAGE_NOT_INSTALLED')
      expect(reported.message).toContain('npm install qqbot-plugin-weather')
    } finally {
      await write('package.json', JSON.stringify(MANIFEST))
    }
  })

  it('GIVEN a helper module beside the plugins THEN main reports PLUGIN_MODULE_INVALID naming the built file', async () => {
    await write('dist/plugins/helpers.js', 'export const helper = 1\n')
    try {
      const run = await node(['dist/main.js'], project)
      expect(run.code).toBe(1)
      const reported = JSON.parse(run.stderr) as { code: string; message: string }
      expect(reported.code).toBe('PLUGIN_MODULE_INVALID')
      expect(reported.message).toContain(join(project, 'dist/plugins/helpers.js'))
    } finally {
      await rm(join(project, 'dist/plugins/helpers.js'))
    }
  })
})
