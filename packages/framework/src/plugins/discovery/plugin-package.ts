import { existsSync, realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PluginDiscoveryError } from './discovery-error.js'

/** The keyword that marks a package as a qqbot plugin whatever its name. */
export const PLUGIN_KEYWORD = 'qqbot-plugin'

/** `qqbot-plugin-dice` or `@team/qqbot-plugin-dice`. */
const CONVENTIONAL_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?qqbot-plugin-[a-z0-9-._~]+$/
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/

interface PackageManifest {
  name?: string
  main?: string
  keywords?: unknown
  exports?: unknown
}

/** True for a name that can only be an npm package (not a path): `qqbot-plugin-dice`, `@team/x`. */
export function isPackageName(specifier: string): boolean {
  return PACKAGE_NAME.test(specifier)
}

/**
 * The file to import for an installed plugin package, found the way Node finds a package (the nearest
 * `node_modules` from `root` upwards). Throws when it is not installed, or is not a qqbot plugin package.
 */
export async function resolvePluginPackage(name: string, root: string, listedIn: string): Promise<string> {
  const folder = findPackageFolder(name, resolve(root))
  if (folder === undefined) {
    throw new PluginDiscoveryError(
      'PLUGIN_PACKAGE_NOT_INSTALLED',
      `The plugin package ${name}, listed in ${listedIn}, is not installed (no node_modules/${name} in ${resolve(root)} or above). Run npm install ${name}, or remove it from the list.`,
    )
  }
  const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as PackageManifest
  const keywords = Array.isArray(manifest.keywords) ? manifest.keywords : []
  if (!CONVENTIONAL_NAME.test(name) && !keywords.includes(PLUGIN_KEYWORD)) {
    throw new PluginDiscoveryError(
      'PLUGIN_PACKAGE_NOT_A_PLUGIN',
      `The package ${name}, listed in ${listedIn}, is not a qqbot plugin package: its name does not start with qqbot-plugin- (or @scope/qqbot-plugin-) and its package.json has no "${PLUGIN_KEYWORD}" keyword. If it is a plugin, add the keyword to its package.json; otherwise import its plugin in your code and pass it to createBot({ plugins }).`,
    )
  }
  assertSharesOurFramework(name, folder)
  return join(folder, entryOf(manifest))
}

/** This package's folder (`src/` or `dist/` is two folders below `plugins/discovery/`). */
const OUR_FRAMEWORK = fileURLToPath(new URL('../../../', import.meta.url))
const FRAMEWORK = '@qqbot/framework'

/**
 * A plugin package that finds another copy of the framework than the one running would declare its controllers
 * where the bot never looks (decorator metadata is per copy): refuse it with the fix, rather than let the bot
 * report its controllers as undecorated.
 */
function assertSharesOurFramework(name: string, folder: string): void {
  const theirs = findPackageFolder(FRAMEWORK, folder)
  if (theirs === undefined || realpathSync(theirs) === realpathSync(OUR_FRAMEWORK)) return
  throw new PluginDiscoveryError(
    'PLUGIN_FRAMEWORK_DUPLICATE',
    `The plugin package ${name} uses its own copy of ${FRAMEWORK} (${theirs}), not the bot's (${OUR_FRAMEWORK}), so the bot would not see its controllers. A plugin lists ${FRAMEWORK} in peerDependencies, not dependencies: fix the plugin's package.json, or reinstall so that npm dedupes it (npm dedupe). A plugin installed from its folder (npm install ../my-plugin, npm link) is a symlink that keeps the plugin's own node_modules: install a packed copy instead (npm pack in the plugin, then npm install <the .tgz> in the bot).`,
  )
}

function findPackageFolder(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', ...name.split('/'))
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

/** The main entry's file: `exports["."]` under the `import`, `node` or `default` condition, else `main`, else `index.js`. */
function entryOf(manifest: PackageManifest): string {
  const { exports } = manifest
  const main =
    typeof exports === 'object' && exports !== null && !Array.isArray(exports) && '.' in exports
      ? (exports as Record<string, unknown>)['.']
      : typeof exports === 'object' && exports !== null && Object.keys(exports).some((key) => key.startsWith('.'))
        ? undefined
        : exports
  return pickCondition(main) ?? manifest.main ?? 'index.js'
}

function pickCondition(target: unknown): string | undefined {
  if (typeof target === 'string') return target
  if (Array.isArray(target)) return target.map(pickCondition).find((file) => file !== undefined)
  if (typeof target !== 'object' || target === null) return undefined
  for (const condition of ['import', 'node', 'default']) {
    const file = pickCondition((target as Record<string, unknown>)[condition])
    if (file !== undefined) return file
  }
  return undefined
}
