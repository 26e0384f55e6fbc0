// What the collector did while v8.GCProfiler watched (bench/soak-probe.mjs starts and stops it around the
// last half of the load): how many bytes reached the old generation (promoted by scavenges, or allocated
// there directly: large objects, code, pretenured objects), how many the major collections freed, how many of
// each kind ran and what they cost. Divided by the events handled meanwhile, these are per-event rates, which
// hold whatever the machine's load, unlike wall-clock figures.
import { GCProfiler } from 'node:v8'

const YOUNG = new Set(['new_space', 'new_large_object_space'])
/** Where the old generation's direct allocations are told apart (the rest is summed as `other`). */
const DIRECT = { old_space: 'old', large_object_space: 'large', code_space: 'code' }

const oldSpaces = (stats) => {
  const used = { total: 0 }
  for (const { spaceName, spaceUsedSize } of stats.heapSpaceStatistics) {
    if (YOUNG.has(spaceName)) continue
    used.total += spaceUsedSize
    const name = DIRECT[spaceName] ?? 'other'
    used[name] = (used[name] ?? 0) + spaceUsedSize
  }
  return used
}

export function startGcAccounting() {
  const profiler = new GCProfiler()
  const cpuBefore = process.cpuUsage()
  profiler.start()
  return () => summarize(profiler.stop().statistics, process.cpuUsage(cpuBefore))
}

function summarize(gcs, cpu) {
  let promoted = 0
  const allocatedOld = { total: 0 }
  let freedByMajor = 0
  let scavenges = 0
  let majors = 0
  let pauseUs = 0
  let previousAfter
  const liveAfterMajor = []
  for (const gc of gcs) {
    const before = oldSpaces(gc.beforeGC)
    const after = oldSpaces(gc.afterGC)
    // Between the previous collection and this one the old generation grew only by direct allocation.
    if (previousAfter !== undefined)
      for (const [name, used] of Object.entries(before))
        allocatedOld[name] = (allocatedOld[name] ?? 0) + Math.max(0, used - (previousAfter[name] ?? 0))
    if (gc.gcType === 'MarkSweepCompact') {
      majors++
      freedByMajor += Math.max(0, before.total - after.total)
      liveAfterMajor.push(after.total)
    } else if (gc.gcType === 'Scavenge' || gc.gcType === 'MinorMarkCompact') {
      scavenges++
      promoted += Math.max(0, after.total - before.total)
    }
    pauseUs += gc.cost
    previousAfter = after
  }
  return {
    promoted,
    allocatedOld,
    freedByMajor,
    scavenges,
    majors,
    pauseMs: pauseUs / 1000,
    liveAfterMajor,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }
}
