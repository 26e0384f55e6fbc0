// node bench/heap-profile-top.mjs file.heapprofile [rows]: the allocation sites of a sampling heap profile
// (bench/soak.mjs BENCH_PROMOTED_PROFILE, or DevTools' "Allocation sampling"), by sampled bytes, largest first,
// each with the stack that led to it (the nearest frames of our own code).
import { readFileSync } from 'node:fs'

const [file, rows = 30] = process.argv.slice(2)
const { head } = JSON.parse(readFileSync(file, 'utf8'))
const frame = ({ callFrame: f }) =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${f.lineNumber + 1}`
const sites = new Map()
let total = 0
const visit = (node, stack) => {
  const here = [...stack, node]
  if (node.selfSize > 0) {
    const key = here.slice(-4).map(frame).reverse().join(' < ')
    sites.set(key, (sites.get(key) ?? 0) + node.selfSize)
    total += node.selfSize
  }
  for (const child of node.children) visit(child, here)
}
visit(head, [])
const top = [...sites].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))
console.log(`sampled ${Math.round(total / 1024)} KB`)
for (const [site, bytes] of top)
  console.log(
    `${String(Math.round(bytes / 1024)).padStart(8)} KB ${((bytes / total) * 100).toFixed(1).padStart(5)}%  ${site}`,
  )
