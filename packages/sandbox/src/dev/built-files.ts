import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'

/** A content hash of every built `.js`/`.mjs` file under a folder (not in node_modules), by real path. */
export function snapshotBuiltFiles(folder: string): Map<string, string> {
  const hashes = new Map<string, string>()
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) visit(path)
      else if (/\.m?js$/.test(entry.name)) hashes.set(path, createHash('sha1').update(readFileSync(path)).digest('hex'))
    }
  }
  visit(realpathSync(folder))
  return hashes
}

/** The files added, removed or changed between two snapshots. */
export function changedFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const changed = [...after].filter(([path, hash]) => before.get(path) !== hash).map(([path]) => path)
  return [...changed, ...[...before.keys()].filter((path) => !after.has(path))]
}
