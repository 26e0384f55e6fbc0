import semver from 'semver'
import { FRAMEWORK_VERSION } from './framework-version.js'
import { PluginError } from './plugin-error.js'
import type { PluginDeclaration } from './define-plugin.js'

/**
 * Fails when the plugin's `compat` range does not include this framework's version, saying which versions
 * work. No `compat`: any version. Prereleases count as their version (`0.2.0-rc.1` is in `^0.2.0-0`).
 */
export function checkCompat(
  declaration: Pick<PluginDeclaration, 'name' | 'compat' | 'version'>,
  version = FRAMEWORK_VERSION,
): void {
  const { name, compat } = declaration
  if (compat === undefined) return
  const range = typeof compat === 'string' ? semver.validRange(compat) : null
  if (range === null) {
    throw new PluginError(
      'PLUGIN_INCOMPATIBLE',
      name,
      `Plugin "${name}" declares compat ${JSON.stringify(compat)}, which is not a semver range: write a range of @qqbot/framework versions such as "^${version}".`,
    )
  }
  if (semver.satisfies(version, range, { includePrerelease: true })) return
  const lowest = semver.minVersion(range)
  const works = lowest ? `versions ${compat} (the lowest is ${lowest.version})` : `versions ${compat}`
  const own = declaration.version ? ` ${declaration.version}` : ''
  throw new PluginError(
    'PLUGIN_INCOMPATIBLE',
    name,
    `Plugin "${name}"${own} works with @qqbot/framework ${works}, and this is ${version}. Use a release of "${name}" made for ${version}, or a framework version in ${compat}.`,
  )
}
