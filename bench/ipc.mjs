// What the benchmark runners and their child processes say to each other over IPC.

/** In a runner: resolves with the next message of `type` from `child`; rejects if the child exits first. */
export function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message.type !== type) return
      child.off('message', onMessage)
      resolve(message)
    }
    child.on('message', onMessage)
    child.once('exit', (code) => reject(new Error(`${type}: child exited with ${code}`)))
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
    process.send({ type: 'stats', maxRssMb: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, ...extra() })
  })
  process.on('SIGINT', () => process.exit(0))
}
