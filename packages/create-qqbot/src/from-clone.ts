import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Writable } from 'node:stream'
import { assertBuilt, packagesNeeded, type Clone, type WorkspacePackage } from './clone.js'
import { CreateQqbotError } from './errors.js'
import { lockfileFor, type PackedPackage, type ProjectManifest } from './lockfile.js'
import { runCommand } from './run-command.js'

/** Where the packed qqbot packages go, relative to the project (kept with it: its package.json points here). */
export const PACKAGES_FOLDER = '.qqbot/packages'

export interface FromCloneOptions {
  env: NodeJS.ProcessEnv
  /** Where npm's stderr is shown; default process.stderr. */
  errorOutput?: Writable
}

/**
 * Makes a written project install from a clone instead of the registry: packs the workspace packages it
 * needs into `.qqbot/packages/`, points its `@qqbot/*` dependencies and `overrides` at those tarballs, and
 * writes a package-lock.json built from the clone's. Returns the packed packages.
 */
export async function useClone(clone: Clone, projectDir: string, options: FromCloneOptions): Promise<PackedPackage[]> {
  const manifestPath = join(projectDir, 'package.json')
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ProjectManifest
  const needed = packagesNeeded(clone, Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }))
  assertBuilt(clone, needed)
  const packed = await packWorkspace(clone, needed, projectDir, options)
  const pointed = pointAtPackages(manifest, packed)
  await writeFile(manifestPath, `${JSON.stringify(pointed, null, 2)}\n`)
  const lockfile = lockfileFor({
    manifest: pointed,
    cloneLock: clone.lock,
    packed: new Map(packed.map((p) => [p.name, p])),
  })
  await writeFile(join(projectDir, 'package-lock.json'), `${JSON.stringify(lockfile, null, 2)}\n`)
  return packed
}

/**
 * The manifest with its `@qqbot/*` dependencies on the packed tarballs, and `overrides` so the packages' own
 * `@qqbot/core: 0.1.0` dependencies use the tarballs too.
 */
export function pointAtPackages(manifest: ProjectManifest, packed: readonly PackedPackage[]): ProjectManifest {
  const specs = Object.fromEntries(packed.map((p) => [p.name, p.spec]))
  const point = (section: Record<string, string> | undefined) =>
    section && Object.fromEntries(Object.entries(section).map(([name, range]) => [name, specs[name] ?? range]))
  const dependencies = point(manifest.dependencies)
  const devDependencies = point(manifest.devDependencies)
  return {
    ...manifest,
    ...(dependencies && { dependencies }),
    ...(devDependencies && { devDependencies }),
    overrides: { ...manifest.overrides, ...specs },
  }
}

/** `npm pack` of the packages into the project's `.qqbot/packages/`. */
async function packWorkspace(
  clone: Clone,
  packages: readonly WorkspacePackage[],
  projectDir: string,
  options: FromCloneOptions,
): Promise<PackedPackage[]> {
  const destination = join(projectDir, ...PACKAGES_FOLDER.split('/'))
  await mkdir(destination, { recursive: true })
  const args = ['pack', ...packages.flatMap((p) => ['-w', p.folder]), '--pack-destination', destination, '--json']
  const failed = (detail: string, cause?: unknown) =>
    new CreateQqbotError(
      'PACK_FAILED',
      `npm ${args.join(' ')} ${detail} in ${clone.root}. Check that npm ci and npm run build succeed there, then run create-qqbot again into an empty folder.`,
      { cause },
    )
  const result = await runCommand('npm', args, {
    cwd: clone.root,
    env: options.env,
    stdout: 'capture',
    ...(options.errorOutput && { errorOutput: options.errorOutput }),
  }).catch((error: Error) => {
    throw failed(`could not start (${error.message})`, error)
  })
  if (result.code !== 0) throw failed(`failed with exit code ${result.code ?? result.signal}`)
  let entries: { name: string; filename: string }[]
  try {
    entries = JSON.parse(result.stdout) as { name: string; filename: string }[]
  } catch (error) {
    throw failed(`printed no JSON list of tarballs`, error)
  }
  const byName = new Map(packages.map((p) => [p.name, p]))
  return Promise.all(
    entries.map(async (entry) => {
      const own = byName.get(entry.name)
      if (!own) throw failed(`packed ${entry.name}, which was not asked for`)
      const tarball = await readFile(join(destination, entry.filename))
      return {
        name: own.name,
        version: own.version,
        spec: `file:${PACKAGES_FOLDER}/${entry.filename}`,
        integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
        dependencies: own.dependencies,
        bin: own.bin,
      }
    }),
  )
}
