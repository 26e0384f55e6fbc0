/** `value` when it is a non-empty string, else `undefined`: how payload ids are read (an empty id is no id). */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
