import { PassThrough } from 'node:stream'

export const ENTER = '\r'
export const DOWN = '\u001b[B'
export const CTRL_C = '\u0003'

/** A fake terminal for the prompt tests: keys are typed one per redraw, so each reaches the prompt on screen. */
export function terminal(keys: string[]): { input: PassThrough; output: PassThrough; screen: () => string } {
  const input = new PassThrough()
  const output = new PassThrough()
  let screen = ''
  let typed = 0
  output.on('data', (chunk: Buffer) => {
    screen += chunk.toString()
    const key = keys[typed++]
    if (key !== undefined) setImmediate(() => input.write(key))
  })
  return { input, output, screen: () => screen }
}
