// Preloaded into a bot child by bench/soak.mjs (node --import): answers memory readings, writes heap
// snapshots and accounts for the collector's work (bench/gc-accounting.mjs) on request, so the bots
// themselves need no soak code.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { writeHeapSnapshot } from 'node:v8'
import { startGcAccounting } from './gc-accounting.mjs'

let stopGcAccounting
// BENCH_BALLAST_MB: live objects held for the whole run, so a soak at a rate this machine sustains has the live
// heap of a longer or faster one (the collector paces itself by the live heap).
const ballast = Array.from(
  { length: Math.round((Number(process.env.BENCH_BALLAST_MB ?? 0) * 2 ** 20) / 100) },
  (_, i) => ({
    id: `ballast-${i}`,
    at: i,
  }),
)
let sampling
process.on('message', (message) => {
  if (message.type === 'memory') {
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage()
    process.send({ type: 'memory', rss, heapUsed, heapTotal, external, arrayBuffers, ballast: ballast.length })
  } else if (message.type === 'snapshot') {
    process.send({ type: 'snapshot', path: writeHeapSnapshot(message.path) })
  } else if (message.type === 'gc') {
    globalThis.gc?.()
    process.send({ type: 'gc', done: typeof globalThis.gc === 'function' })
  } else if (message.type === 'gc-accounting-start') {
    stopGcAccounting = startGcAccounting()
    process.send({ type: 'gc-accounting-start' })
  } else if (message.type === 'gc-accounting-stop') {
    process.send({ type: 'gc-accounting-stop', ...stopGcAccounting?.() })
  } else if (message.type === 'promoted-sampling-start') {
    void startPromotedSampling().then(() => process.send({ type: 'promoted-sampling-start' }))
  } else if (message.type === 'promoted-sampling-stop') {
    void stopPromotedSampling(message.path).then(() => process.send({ type: 'promoted-sampling-stop' }))
  }
})

/**
 * Samples allocations, keeping those that outlived a scavenge: what was promoted to the old generation,
 * whether a major GC collected it later or it is still live (the objects scavenges collected are left out).
 */
async function startPromotedSampling() {
  sampling = new Session()
  sampling.connect()
  await sampling.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: false,
  })
}

async function stopPromotedSampling(path) {
  const { profile } = await sampling.post('HeapProfiler.stopSampling')
  writeFileSync(path, JSON.stringify(profile))
  sampling.disconnect()
}
