/** How many handlers of one plugin are running, and a promise for when none is. */
export class RunningCount {
  private count = 0
  private waiters: (() => void)[] = []

  get size(): number {
    return this.count
  }

  enter(): void {
    this.count++
  }

  leave(): void {
    if (--this.count > 0) return
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }

  /** Enters, and returns a function that leaves: calling it again does nothing. */
  enterOnce(): () => void {
    this.enter()
    let left = false
    return () => {
      if (left) return
      left = true
      this.leave()
    }
  }

  /** Resolves once nothing is running (at once when nothing is). */
  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve))
  }
}
