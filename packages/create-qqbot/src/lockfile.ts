import { CreateQqbotError } from './errors.js'

/** The parts of a package.json the lockfile needs. */
export interface ProjectManifest {
  name: string
  version: string
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  overrides?: Record<string, string>
}

/** One `packages` entry of a v3 package-lock.json (the fields this module reads or writes). */
export interface LockEntry {
  name?: string
  version?: string
  resolved?: string
  integrity?: string
  link?: boolean
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  /** The commands npm links into `node_modules/.bin` (an install from a lockfile reads them here). */
  bin?: Record<string, string>
}

/** A workspace package packed into the project. */
export interface PackedPackage {
  name: string
  version: string
  /** `file:` path of the tarball, relative to the project: the same string package.json uses. */
  spec: string
  /** `sha512-…` of the tarball. */
  integrity: string
  dependencies: Record<string, string>
  /** Its commands, as a lockfile writes them (`{ "qqbot-dev": "bin/qqbot-dev.js" }`). */
  bin?: Record<string, string>
}

export interface LockfileInput {
  manifest: ProjectManifest
  /** The clone's package-lock.json `packages`. */
  cloneLock: Readonly<Record<string, LockEntry>>
  /** The packed workspace packages, by name. */
  packed: ReadonlyMap<string, PackedPackage>
}

/**
 * The project's package-lock.json: the packed tarballs it needs, plus every registry package they and the
 * project need, exactly as the clone's lockfile has them.
 *
 * Why a lockfile: npm resolves a range from the *full* registry document of a package, while the cache that
 * `npm ci` fills holds the abbreviated documents (and the tarballs). With a complete lockfile npm resolves
 * nothing and only unpacks cached tarballs, so the install works offline, with the versions the clone is
 * tested with.
 */
export function lockfileFor({ manifest, cloneLock, packed }: LockfileInput): object {
  const root: LockEntry = {
    name: manifest.name,
    version: manifest.version,
    ...(manifest.dependencies && { dependencies: manifest.dependencies }),
    ...(manifest.devDependencies && { devDependencies: manifest.devDependencies }),
  }
  const packages: Record<string, LockEntry> = { '': root }
  const wanted: [from: string, name: string][] = Object.keys({
    ...manifest.dependencies,
    ...manifest.devDependencies,
  }).map((name) => ['', name])
  while (wanted.length > 0) {
    const [from, name] = wanted.shift()!
    const own = packed.get(name)
    if (own) {
      // A packed package goes in only when something needs it (the basic template never sees @qqbot/redis).
      if (packages[`node_modules/${name}`]) continue
      packages[`node_modules/${name}`] = {
        version: own.version,
        resolved: own.spec,
        integrity: own.integrity,
        dependencies: own.dependencies,
        ...(own.bin && Object.keys(own.bin).length > 0 && { bin: own.bin }),
      }
      wanted.push(...Object.keys(own.dependencies).map((dependency): [string, string] => ['', dependency]))
      continue
    }
    const path = locate(cloneLock, from, name)
    if (path === undefined) {
      throw new CreateQqbotError(
        'LOCKFILE_INCOMPLETE',
        `${name} (needed by ${from || 'the project'}) is not in the clone's package-lock.json. Run npm ci in the clone (or update it with git pull and npm ci), then run create-qqbot again.`,
      )
    }
    if (packages[path]) continue
    const entry = cloneLock[path]!
    packages[path] = entry
    const requiredPeers = Object.keys(entry.peerDependencies ?? {}).filter(
      (peer) => !entry.peerDependenciesMeta?.[peer]?.optional,
    )
    for (const dependency of [
      ...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }),
      ...requiredPeers,
    ])
      wanted.push([path, dependency])
  }
  return { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }
}

/** Node's lookup in the clone's layout: the nearest `node_modules` folder upwards from `from` that has the package. */
export function locate(lock: Readonly<Record<string, LockEntry>>, from: string, name: string): string | undefined {
  for (
    let base = from;
    ;
    base = base.includes('/node_modules/') ? base.slice(0, base.lastIndexOf('/node_modules/')) : ''
  ) {
    const path = `${base ? `${base}/` : ''}node_modules/${name}`
    if (lock[path] && !lock[path].link) return path
    if (base === '') return undefined
  }
}
