/**
 * What one line of `tsc --watch` output says about the compile that just ended: the number of errors, or
 * `undefined` when the line is not the end-of-compile summary.
 */
export function compileErrorsIn(line: string): number | undefined {
  const match = /Found (\d+) errors?\. Watching for file changes\./.exec(line)
  return match ? Number(match[1]) : undefined
}
