/**
 * Runs `layers` Koa-style around `handler`: each layer gets the argument and `next`; the handler runs only
 * if every layer calls `next()`. Calling `next()` twice is an error that names `label`.
 */
export function compose<A>(
  layers: readonly ((arg: A, next: () => Promise<void>) => unknown)[],
  arg: A,
  handler: () => Promise<void>,
  label: string,
): Promise<void> {
  const dispatch = async (index: number): Promise<void> => {
    if (index === layers.length) return handler()
    let called = false
    await layers[index]!(arg, () => {
      if (called) return Promise.reject(new Error(`next() was called twice in ${label}.`))
      called = true
      return dispatch(index + 1)
    })
  }
  return dispatch(0)
}
