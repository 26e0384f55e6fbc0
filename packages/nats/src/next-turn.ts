let turn: Promise<void> | undefined

/**
 * Resolves at the next turn of the event loop (`setImmediate`), together with every other caller of this turn:
 * what they send to NATS then leaves in one socket write (and one read by the server) instead of one per event.
 * A publish, claim or acknowledgement waits at most one turn for the others.
 */
export function nextTurn(): Promise<void> {
  return (turn ??= new Promise((resolve) =>
    setImmediate(() => {
      turn = undefined
      resolve()
    }),
  ))
}
