const contexts = new WeakMap<object, Readonly<Record<string, string>>>()

/**
 * Adds fields to the line the pipeline logs when this error reaches it: a layer above the core (the command
 * layer) names what the failed handler belonged to, such as its plugin and command, without wrapping or
 * changing the error the bot's `onError` hook receives.
 */
export function annotateError(error: unknown, fields: Readonly<Record<string, string>>): void {
  if (typeof error !== 'object' || error === null) return
  contexts.set(error, { ...contexts.get(error), ...fields })
}

/** The fields {@link annotateError} added to this error, if any. */
export function errorContextOf(error: unknown): Readonly<Record<string, string>> | undefined {
  return typeof error === 'object' && error !== null ? contexts.get(error) : undefined
}
