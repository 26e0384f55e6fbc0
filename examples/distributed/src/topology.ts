import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** One ingress or worker process of the local demo. */
export interface Node {
  name: string
  child: ChildProcess
  /** Resolves when the process printed its start line. */
  started: Promise<void>
}

/** Starts `dist/<role>.js` as a child process with `env`, forwarding its output prefixed by its name. */
export function startNode(role: 'ingress' | 'worker', name: string, env: Record<string, string>): Node {
  const script = fileURLToPath(new URL(`./${role}.js`, import.meta.url))
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, MEMBER_NAME: name, WORKER_NAME: name, HEALTH_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const started = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it started`)))
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes(`${role} ${name}:`)) resolve()
    })
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(`[${name}] ${chunk}`))
  return { name, child, started }
}

/** SIGTERM (graceful), SIGKILL after 10 s. */
export async function stopNode(node: Node): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return
  const exited = new Promise((resolve) => node.child.once('exit', resolve))
  node.child.kill('SIGTERM')
  const timer = setTimeout(() => node.child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}
