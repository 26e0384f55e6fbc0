import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { CreateQqbotError } from './errors.js'
import type { LockEntry } from './lockfile.js'

/** The root package.json name that marks a clone of the qqbot repository. */
export const WORKSPACE_NAME = 'qqbot-workspace'

/** A workspace package of the clone. */
export interface WorkspacePackage {
  name: string
  version: string
  /** The folder relative to the clone: `packages/core`. */
  folder: string
  /** The runtime dependencies (`dependencies` of its package.json). */
  dependencies: Record<string, string>
  /** The file its package.json names as `main`, relative to the package folder. */
  main: string | undefined
  /** Its commands (`bin` of its package.json), name → file relative to the package folder. */
  bin: Record<string, string>
}

/** A checked qqbot clone. */
export interface Clone {
  root: string
  /** Its `packages/*` packages, by package name. */
  packages: ReadonlyMap<string, WorkspacePackage>
  /** Its package-lock.json `packages`. */
  lock: Readonly<Record<string, LockEntry>>
}

/** Reads `root` as a qqbot clone; throws `NOT_A_QQBOT_CLONE` (with what is missing) when it is not one. */
export async function readClone(root: string): Promise<Clone> {
  const notAClone = (what: string) =>
    new CreateQqbotError(
      'NOT_A_QQBOT_CLONE',
      `--from ${root} is not a clone of the qqbot repository: ${what}. Give the folder of a clone (the one with the root package.json named "${WORKSPACE_NAME}"), e.g. git clone <URL of the qqbot repository> qqbot && cd qqbot && npm ci && npm run build, then --from ./qqbot (or, in the clone, npm run create -- <folder>).`,
    )
  const rootManifest = await readJson<{ name?: string }>(join(root, 'package.json'))
  if (rootManifest === undefined) throw notAClone('it has no readable package.json')
  if (rootManifest.name !== WORKSPACE_NAME)
    throw notAClone(`its package.json is named "${rootManifest.name ?? ''}", not "${WORKSPACE_NAME}"`)
  const folders = await readdir(join(root, 'packages'), { withFileTypes: true }).catch(() => undefined)
  if (folders === undefined) throw notAClone('it has no packages/ folder')
  const packages = new Map<string, WorkspacePackage>()
  for (const folder of folders.filter((entry) => entry.isDirectory()).map((entry) => `packages/${entry.name}`)) {
    const manifest = await readJson<{
      name?: string
      version?: string
      main?: string
      dependencies?: Record<string, string>
      bin?: string | Record<string, string>
    }>(join(root, folder, 'package.json'))
    if (manifest?.name === undefined || manifest.version === undefined) continue
    packages.set(manifest.name, {
      name: manifest.name,
      version: manifest.version,
      folder,
      dependencies: manifest.dependencies ?? {},
      main: manifest.main,
      bin: binOf(manifest.name, manifest.bin),
    })
  }
  if (!packages.has('@qqbot/core')) throw notAClone('packages/ has no @qqbot/core package')
  const lock = await readJson<{ packages?: Record<string, LockEntry> }>(join(root, 'package-lock.json'))
  if (lock?.packages === undefined) throw notAClone('it has no readable package-lock.json (lockfileVersion 2 or 3)')
  return { root, packages, lock: lock.packages }
}

/**
 * The workspace packages a project with these dependencies needs: the `@qqbot/*` ones it names, and theirs.
 * Throws when the project names one the clone does not have.
 */
export function packagesNeeded(clone: Clone, dependencyNames: Iterable<string>): WorkspacePackage[] {
  const needed = new Map<string, WorkspacePackage>()
  const queue = [...dependencyNames]
  while (queue.length > 0) {
    const name = queue.shift()!
    if (needed.has(name)) continue
    const workspacePackage = clone.packages.get(name)
    if (!workspacePackage) {
      if (name.startsWith('@qqbot/'))
        throw new CreateQqbotError(
          'NOT_A_QQBOT_CLONE',
          `The project needs ${name}, which the clone ${clone.root} does not have in packages/. Update the clone (git pull), or use the create-qqbot of that clone (npm run create there).`,
        )
      continue
    }
    needed.set(name, workspacePackage)
    queue.push(...Object.keys(workspacePackage.dependencies))
  }
  return [...needed.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
}

/** Throws `CLONE_NOT_BUILT` unless every package's `main` file exists (`npm pack` would pack a package without its JavaScript). */
export function assertBuilt(clone: Clone, packages: readonly WorkspacePackage[]): void {
  const missing = packages
    .map((workspacePackage) => posix.join(workspacePackage.folder, workspacePackage.main ?? 'dist/index.js'))
    .filter((file) => !existsSync(join(clone.root, file)))
  if (missing.length > 0) {
    throw new CreateQqbotError(
      'CLONE_NOT_BUILT',
      `The qqbot packages in ${clone.root} are not built (no ${missing.join(', ')}). Run npm run build in ${clone.root}, then run create-qqbot again.`,
    )
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** `bin` as npm writes it in a lockfile: an object, paths without a leading `./` (a string names the package's own command). */
function binOf(name: string, bin: string | Record<string, string> | undefined): Record<string, string> {
  const entries = typeof bin === 'string' ? [[name.replace(/^@[^/]+\//, ''), bin]] : Object.entries(bin ?? {})
  return Object.fromEntries(entries.map(([command, file]) => [command, file!.replace(/^\.\//, '')]))
}
