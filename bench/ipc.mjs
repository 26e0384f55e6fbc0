// What the benchmark runners and their child processes say to each other over IPC, and what the runners share.
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'

/** In a runner: resolves with the next message of `type` from `child`; rejects if the child exits first. */
export function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message.type !== type) return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(message)
    }
    const onExit = (code) => reject(new Error(`${type}: child exited with ${code}`))
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

/**
 * In a bot child: answers the runner's `{ type: 'stats' }` with peak RSS and CPU time (plus `extra()`), and
 * exits normally on SIGINT (sent by the runner) so --cpu-prof can write its profile.
 */
export function serveStats(extra = () => ({})) {
  process.on('message', (message) => {
    if (message.type !== 'stats') return
    const usage = process.resourceUsage()
    process.send({
      type: 'stats',
      maxRssMb: usage.maxRSS / 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      // Wake-ups: the times the process waited for I/O and was woken (context switches it gave up itself).
      wakeUps: usage.voluntaryContextSwitches,
      // Preemptions: the times the kernel took the CPU from the process to run another (machine oversubscribed).
      preemptions: usage.involuntaryContextSwitches,
      ...syscallCounts(),
      ...extra(),
    })
  })
  process.on('SIGINT', () => process.exit(0))
}

/** Read and write system calls so far (socket reads and writes included), where Linux's /proc tells them. */
function syscallCounts() {
  try {
    const io = readFileSync('/proc/self/io', 'utf8')
    return { readCalls: Number(/^syscr: (\d+)/m.exec(io)[1]), writeCalls: Number(/^syscw: (\d+)/m.exec(io)[1]) }
  } catch {
    return {}
  }
}

/** In a runner: forks the fake platform child and returns it with the env a bot child needs to reach it. */
export async function startPlatformChild() {
  const platform = fork(fileURLToPath(new URL('./platform-child.mjs', import.meta.url)), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const info = await nextMessage(platform, 'ready')
  return { platform, env: { ...process.env, QQBOT_URL: info.url, QQBOT_APP_ID: info.appId, QQBOT_SECRET: info.secret } }
}

/** The median of `values` (the upper one of an even count). */
export function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
}

/** The report's machine line: date, Node, CPUs, memory. */
export function machineLine() {
  return `date ${new Date().toISOString()}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`
}
