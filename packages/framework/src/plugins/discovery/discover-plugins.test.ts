import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { discoverPlugins } from './discover-plugins.js'
import { PluginDiscoveryError, type PluginDiscoveryErrorCode } from './discovery-error.js'
import { loadPluginsFrom } from './plugin-folder.js'

/** Fixture modules build their plugins with the real definePlugin (this checkout's source). */
const DEFINE_PLUGIN = pathToFileURL(new URL('../define-plugin.ts', import.meta.url).pathname).href

let root: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'qqbot-discovery-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true })
  await writeFile(join(root, path), text)
}

/** A module exporting a plugin factory named `name` (as `default`, or as `plugin`). */
function factoryModule(name: string, exportAs: 'default' | 'plugin' = 'default'): string {
  const declaration = `definePlugin({ name: ${JSON.stringify(name)} })`
  return `import { definePlugin } from '${DEFINE_PLUGIN}'\n${exportAs === 'default' ? `export default ${declaration}` : `export const plugin = ${declaration}`}\n`
}

async function writePackageJson(manifest: object): Promise<void> {
  await write('package.json', JSON.stringify({ name: 'my-bot', type: 'module', ...manifest }))
}

/**
 * A package in node_modules exporting a plugin factory. Node imports it itself (vitest transforms no
 * node_modules), so it cannot import the TypeScript source: it spells out what definePlugin returns, a factory
 * carrying its declaration whose plugins are marked with the global `qqbot.plugin` symbol. (The built-project
 * test, test/plugin-discovery.test.ts, installs packages made with the real definePlugin.)
 */
async function writePackage(name: string, manifest: object = {}, entry = 'index.js'): Promise<void> {
  const pluginName = name.replace(/^(@[^/]+\/)?(qqbot-plugin-)?/, '')
  await write(`node_modules/${name}/package.json`, JSON.stringify({ name, type: 'module', ...manifest }))
  await write(
    `node_modules/${name}/${entry}`,
    [
      `const declaration = { name: ${JSON.stringify(pluginName)} }`,
      `const factory = (input) => Object.freeze({ [Symbol.for('qqbot.plugin')]: true, declaration, input })`,
      `factory.declaration = declaration`,
      `export default factory`,
    ].join('\n'),
  )
}

async function failure(promise: Promise<unknown>): Promise<{ code: PluginDiscoveryErrorCode; message: string }> {
  const error = await promise.then(
    () => expect.fail('expected a PluginDiscoveryError'),
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(PluginDiscoveryError)
  return error as PluginDiscoveryError
}

const summary = (plugins: { declaration: { name: string }; input: unknown }[]) =>
  plugins.map((plugin) => [plugin.declaration.name, plugin.input])

describe('loadPluginsFrom', () => {
  it('GIVEN a folder of .js files and subfolders with index.js THEN it imports each, in name order, with the configs by name', async () => {
    await write('plugins/echo.js', factoryModule('echo'))
    await write('plugins/dice/index.js', factoryModule('dice', 'plugin'))
    await write('plugins/dice/helper.js', 'export const unused = 1\n')
    await write('plugins/echo.test.js', 'throw new Error("not imported")\n')
    await write('plugins/echo.js.map', '{}')
    await write('plugins/_shared/util.js', 'export const util = 1\n')

    const plugins = await loadPluginsFrom(join(root, 'plugins'), { configs: { dice: { sides: 20 } } })

    expect(summary(plugins)).toEqual([
      ['dice', { sides: 20 }],
      ['echo', undefined],
    ])
  })

  it('GIVEN a .js file that exports no plugin THEN it fails naming the file and what it exports', async () => {
    await write('plugins/util.js', 'export const helper = () => 1\n')
    const error = await failure(loadPluginsFrom(join(root, 'plugins')))
    expect(error.code).toBe('PLUGIN_MODULE_INVALID')
    expect(error.message).toContain(`${join(root, 'plugins/util.js')}`)
    expect(error.message).toContain('it exports helper')
  })

  it('GIVEN a module that throws on import THEN the error names the file and keeps the cause', async () => {
    await write('plugins/broken.js', 'throw new Error("boom at import")\n')
    const error = await failure(loadPluginsFrom(join(root, 'plugins')))
    expect(error.code).toBe('PLUGIN_IMPORT_FAILED')
    expect(error.message).toContain('broken.js')
    expect(error.message).toContain('boom at import')
  })

  it('GIVEN two modules declaring one name THEN it fails naming both files', async () => {
    await write('plugins/a.js', factoryModule('echo'))
    await write('plugins/b.js', factoryModule('echo'))
    const error = await failure(loadPluginsFrom(join(root, 'plugins')))
    expect(error.code).toBe('PLUGIN_NAME_CLASH')
    expect(error.message).toContain('Two plugins are named "echo"')
    expect(error.message).toContain(join(root, 'plugins/a.js'))
    expect(error.message).toContain(join(root, 'plugins/b.js'))
  })

  it('GIVEN a config for a name the folder does not have THEN it fails listing the names it has', async () => {
    await write('plugins/echo.js', factoryModule('echo'))
    const error = await failure(loadPluginsFrom(join(root, 'plugins'), { configs: { ecko: {} } }))
    expect(error.code).toBe('PLUGIN_CONFIG_UNMATCHED')
    expect(error.message).toContain('has a config for "ecko"')
    expect(error.message).toContain('(it has "echo")')
  })

  it('GIVEN a module exporting a configured plugin THEN a config for it is refused, and none is accepted', async () => {
    await write(
      'plugins/echo.js',
      `import { definePlugin } from '${DEFINE_PLUGIN}'\nexport default definePlugin({ name: 'echo' })({ prefix: '>' })\n`,
    )
    expect(summary(await loadPluginsFrom(join(root, 'plugins')))).toEqual([['echo', { prefix: '>' }]])
    const error = await failure(loadPluginsFrom(join(root, 'plugins'), { configs: { echo: { prefix: '#' } } }))
    expect(error.code).toBe('PLUGIN_ALREADY_CONFIGURED')
    expect(error.message).toContain('Export the factory instead')
  })

  it('GIVEN a folder that does not exist THEN it says to build first', async () => {
    const error = await failure(loadPluginsFrom(join(root, 'dist/plugins')))
    expect(error.code).toBe('PLUGIN_NOT_FOUND')
    expect(error.message).toContain('Build the project first')
  })
})

describe('discoverPlugins', () => {
  it('GIVEN package.json "qqbot.plugins" with packages, a file and a folder THEN each is imported with its config', async () => {
    await writePackage(
      'qqbot-plugin-dice',
      { exports: { '.': { types: './x.d.ts', import: './dist/main.js' } } },
      'dist/main.js',
    )
    await writePackage('@team/qqbot-plugin-weather', { main: 'lib.js' }, 'lib.js')
    await writePackage('greeter', { keywords: ['qqbot', 'qqbot-plugin'] })
    await write('dist/plugins/echo.js', factoryModule('echo'))
    await write('dist/more/poll.js', factoryModule('poll'))
    await write('dist/more/vote/index.js', factoryModule('vote'))
    await writePackageJson({
      qqbot: {
        plugins: {
          'qqbot-plugin-dice': { sides: 20 },
          '@team/qqbot-plugin-weather': true,
          greeter: {},
          './dist/plugins/echo.js': { prefix: '>' },
          './dist/more': { vote: { anonymous: true } },
          './dist/unused.js': false,
        },
      },
    })

    expect(summary(await discoverPlugins({ root }))).toEqual([
      ['dice', { sides: 20 }],
      ['weather', undefined],
      ['greeter', {}],
      ['echo', { prefix: '>' }],
      ['poll', undefined],
      ['vote', { anonymous: true }],
    ])
  })

  it('GIVEN a qqbot.config.js THEN its plugins come after package.json’s, with paths relative to it', async () => {
    await writePackage('qqbot-plugin-dice')
    await write('dist/plugins/echo.js', factoryModule('echo'))
    await write(
      'dist/qqbot.config.js',
      [
        `import { definePlugin } from '${DEFINE_PLUGIN}'`,
        `const inline = definePlugin({ name: 'inline' })`,
        `export default { plugins: [inline({ a: 1 }), ['./plugins/echo.js', { prefix: '#' }]] }`,
      ].join('\n'),
    )
    await writePackageJson({ qqbot: { plugins: { 'qqbot-plugin-dice': {} } } })

    expect(summary(await discoverPlugins({ root }))).toEqual([
      ['dice', {}],
      ['inline', { a: 1 }],
      ['echo', { prefix: '#' }],
    ])
  })

  it('GIVEN no list anywhere THEN there are no plugins', async () => {
    await writePackageJson({})
    expect(await discoverPlugins({ root: pathToFileURL(root) })).toEqual([])
  })

  it('GIVEN a package listed but not installed THEN it says to install it', async () => {
    await writePackageJson({ qqbot: { plugins: { 'qqbot-plugin-missing': {} } } })
    const error = await failure(discoverPlugins({ root }))
    expect(error.code).toBe('PLUGIN_PACKAGE_NOT_INSTALLED')
    expect(error.message).toContain('The plugin package qqbot-plugin-missing')
    expect(error.message).toContain('npm install qqbot-plugin-missing')
    expect(error.message).toContain(join(root, 'package.json'))
  })

  it('GIVEN a listed package with neither the name nor the keyword THEN it is refused without being imported', async () => {
    await writePackage('left-pad')
    await write('node_modules/left-pad/index.js', 'throw new Error("must not be imported")\n')
    await writePackageJson({ qqbot: { plugins: { 'left-pad': {} } } })
    const error = await failure(discoverPlugins({ root }))
    expect(error.code).toBe('PLUGIN_PACKAGE_NOT_A_PLUGIN')
    expect(error.message).toContain('"qqbot-plugin" keyword')
  })

  it('GIVEN a package with its own copy of the framework THEN it is refused with the peer dependency fix', async () => {
    await writePackage('qqbot-plugin-bundled')
    await write(
      'node_modules/qqbot-plugin-bundled/node_modules/@qqbot/framework/package.json',
      JSON.stringify({ name: '@qqbot/framework', version: '0.0.1' }),
    )
    await writePackageJson({ qqbot: { plugins: { 'qqbot-plugin-bundled': {} } } })
    const error = await failure(discoverPlugins({ root }))
    expect(error.code).toBe('PLUGIN_FRAMEWORK_DUPLICATE')
    expect(error.message).toContain('uses its own copy of @qqbot/framework')
    expect(error.message).toContain('peerDependencies')
  })

  it('GIVEN two places giving one name THEN it fails naming both', async () => {
    await writePackage('qqbot-plugin-echo')
    await write('dist/plugins/echo.js', factoryModule('echo'))
    await writePackageJson({ qqbot: { plugins: { 'qqbot-plugin-echo': {}, './dist/plugins/echo.js': {} } } })
    const error = await failure(discoverPlugins({ root }))
    expect(error.code).toBe('PLUGIN_NAME_CLASH')
    expect(error.message).toContain('the package qqbot-plugin-echo')
    expect(error.message).toContain('./dist/plugins/echo.js')
  })

  it('GIVEN a listed path that does not exist, or a bare path THEN the message says what to write', async () => {
    await writePackageJson({ qqbot: { plugins: { './dist/plugins/nope.js': {} } } })
    const missing = await failure(discoverPlugins({ root }))
    expect(missing.code).toBe('PLUGIN_NOT_FOUND')
    expect(missing.message).toContain('./dist/plugins/nope.js')

    await writePackageJson({ qqbot: { plugins: { 'dist/plugins/echo.js': {} } } })
    const bare = await failure(discoverPlugins({ root }))
    expect(bare.code).toBe('PLUGIN_LIST_INVALID')
    expect(bare.message).toContain('Start a path with ./')
  })

  it('GIVEN a list of the wrong shape, or a config file without a default export THEN PLUGIN_LIST_INVALID', async () => {
    await writePackageJson({ qqbot: { plugins: 'qqbot-plugin-dice' } })
    expect((await failure(discoverPlugins({ root }))).code).toBe('PLUGIN_LIST_INVALID')

    await writePackageJson({})
    await write('qqbot.config.js', 'export const plugins = []\n')
    const error = await failure(discoverPlugins({ root }))
    expect(error.code).toBe('PLUGIN_LIST_INVALID')
    expect(error.message).toContain('export default { plugins: [...] }')
  })

  it('GIVEN configFile naming a file that does not exist THEN it fails naming it', async () => {
    await writePackageJson({})
    const error = await failure(discoverPlugins({ root, configFile: 'build/qqbot.config.js' }))
    expect(error.code).toBe('PLUGIN_NOT_FOUND')
    expect(error.message).toContain(join(root, 'build/qqbot.config.js'))
  })
})
