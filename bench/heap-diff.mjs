// node bench/heap-diff.mjs before.heapsnapshot after.heapsnapshot [rows]: what grew between two heap snapshots,
// by node type and constructor name (count and self size), largest growth first.
import { readFileSync } from 'node:fs'

function summarize(file) {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(file, 'utf8'))
  const fields = snapshot.meta.node_fields
  const types = snapshot.meta.node_types[0]
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f))
  const byName = new Map()
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]]
    // Strings and code are grouped by type alone: their "names" are their contents.
    const name = ['object', 'closure', 'native', 'hidden', 'array'].includes(type)
      ? `${type} ${strings[nodes[i + nameAt]]}`
      : type
    const entry = byName.get(name) ?? byName.set(name, { count: 0, size: 0 }).get(name)
    entry.count++
    entry.size += nodes[i + sizeAt]
  }
  return byName
}

const [before, after, rows = 25] = process.argv.slice(2)
const a = summarize(before)
const b = summarize(after)
const diff = [...new Set([...a.keys(), ...b.keys()])].map((name) => {
  const x = a.get(name) ?? { count: 0, size: 0 }
  const y = b.get(name) ?? { count: 0, size: 0 }
  return {
    name: name.slice(0, 70),
    count: y.count - x.count,
    'size KB': Math.round((y.size - x.size) / 1024),
    'after KB': Math.round(y.size / 1024),
  }
})
diff.sort((p, q) => q['size KB'] - p['size KB'])
console.table(diff.slice(0, Number(rows)))
const total = (m) => [...m.values()].reduce((s, e) => s + e.size, 0)
console.log(`total self size: ${Math.round(total(a) / 2 ** 20)} MB -> ${Math.round(total(b) / 2 ** 20)} MB`)
