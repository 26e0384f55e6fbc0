/** For tests (not published): a log destination that keeps every line the logger writes. */
import { Writable } from 'node:stream'

export interface LogCapture<Line = Record<string, unknown>> {
  /** Where the logger writes (`logDestination` / `destination`). */
  readonly destination: Writable
  /** Every line as written, newline included. */
  readonly raw: string[]
  /** Every line parsed as JSON. */
  readonly lines: Line[]
  /** Everything written, as one string. */
  text(): string
}

export function captureLogs<Line = Record<string, unknown>>(): LogCapture<Line> {
  const raw: string[] = []
  const lines: Line[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue
        raw.push(`${line}\n`)
        lines.push(JSON.parse(line) as Line)
      }
      callback()
    },
  })
  return { destination, raw, lines, text: () => raw.join('') }
}
