// Preloaded into a bot child by bench/soak.mjs (node --import): answers memory readings and writes heap
// snapshots on request, so the bots themselves need no soak code.
import { writeHeapSnapshot } from 'node:v8'

process.on('message', (message) => {
  if (message.type === 'memory') {
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage()
    process.send({ type: 'memory', rss, heapUsed, heapTotal, external, arrayBuffers })
  } else if (message.type === 'snapshot') {
    process.send({ type: 'snapshot', path: writeHeapSnapshot(message.path) })
  } else if (message.type === 'gc') {
    globalThis.gc?.()
    process.send({ type: 'gc', done: typeof globalThis.gc === 'function' })
  }
})
