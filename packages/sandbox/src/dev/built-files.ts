import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** A built file's content hash, and the size and mtime it was read at (an unchanged stamp is not read again). */
export interface BuiltFile {
  stamp: string
  hash: string
}

/**
 * Every `.js`/`.mjs` file under a folder (not in node_modules or dot folders), by real path. Files whose size
 * and mtime match `previous` keep their hash unread; the others are hashed, so a rebuild that rewrites a file
 * with the same content does not count as a change.
 */
export function snapshotBuiltFiles(
  folder: string,
  previous: ReadonlyMap<string, BuiltFile> = new Map(),
): Map<string, BuiltFile> {
  const files = new Map<string, BuiltFile>()
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) visit(path)
      else if (entry.isFile() && /\.m?js$/.test(entry.name)) {
        const info = statSync(path)
        const stamp = `${info.size}:${info.mtimeMs}`
        const known = previous.get(path)
        const hash = known?.stamp === stamp ? known.hash : createHash('sha1').update(readFileSync(path)).digest('hex')
        files.set(path, { stamp, hash })
      }
    }
  }
  visit(realpathSync(folder))
  return files
}

/** The files added, removed or changed in content between two snapshots. */
export function changedFiles(before: ReadonlyMap<string, BuiltFile>, after: ReadonlyMap<string, BuiltFile>): string[] {
  const changed = [...after].filter(([path, file]) => before.get(path)?.hash !== file.hash).map(([path]) => path)
  return [...changed, ...[...before.keys()].filter((path) => !after.has(path))]
}
