/** How many plugin reloads in place a bot under `qqbot-dev` gets before it is restarted to free the old code. */
export interface ReloadBudget {
  /** Reloads in place before a restart. Default 100 (bench/reload.mjs, BENCH_MODE=modules: ~85 KB each). */
  reloads?: number
  /** RSS growth over the bot's RSS after its first reload, as a fraction, before a restart. Default 0.1. */
  rssGrowth?: number
}

/** Counts one bot process's reloads in place and says when the next change should restart it instead. */
export class ReloadBudgetCounter {
  private reloads = 0
  private baseRss: number | undefined
  private lastRss = 0

  constructor(private readonly budget: ReloadBudget = {}) {}

  reloaded(rss: number): void {
    this.reloads++
    this.baseRss ??= rss
    this.lastRss = rss
  }

  /** Why the next change should restart the bot rather than reload in place, or `undefined` while within budget. */
  spent(): string | undefined {
    const maxReloads = this.budget.reloads ?? 100
    const maxGrowth = this.budget.rssGrowth ?? 0.1
    if (this.reloads >= maxReloads)
      return `${this.reloads} plugin reloads in place (the budget is ${maxReloads}): restarting frees the old modules`
    if (this.baseRss !== undefined && this.lastRss > this.baseRss * (1 + maxGrowth)) {
      const growth = Math.round((this.lastRss / this.baseRss - 1) * 100)
      return `RSS grew ${growth}% over ${this.reloads} plugin reloads in place (the budget is ${Math.round(maxGrowth * 100)}%): restarting frees the old modules`
    }
    return undefined
  }
}
