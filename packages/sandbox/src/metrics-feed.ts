import type { MetricsSnapshot, QQBotClient } from '@qqbot/core'
import type { PageServer } from './page-server.js'
import type { ReplyLatency } from './reply-latency.js'

const METRICS_INTERVAL_MS = 1_000

/**
 * The watched clients' `metrics()` and the reply latency the sandbox measured, pushed to the open pages every
 * second (the page's charts need a sample per second, changed or not).
 */
export class MetricsFeed {
  private readonly watched: QQBotClient[] = []
  private readonly timer: NodeJS.Timeout
  constructor(
    private readonly page: PageServer,
    private readonly latency: ReplyLatency,
  ) {
    this.timer = setInterval(() => this.publish(), METRICS_INTERVAL_MS)
    this.timer.unref()
  }

  watch(client: QQBotClient): void {
    if (!this.watched.includes(client)) this.watched.push(client)
    this.publish()
  }

  /** p50/p99 of the recent replies, ms; `undefined` before the first. */
  latencyView(): { p50: number; p99: number } | undefined {
    return this.latency.percentiles()
  }

  view(): { name: string; snapshot: MetricsSnapshot }[] {
    return this.watched.map((client, index) => ({
      name: this.watched.length === 1 ? 'bot' : `bot ${index + 1}`,
      snapshot: client.metrics(),
    }))
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private publish(): void {
    if (this.page.pages === 0 || this.watched.length === 0) return
    this.page.broadcast({ type: 'metrics', at: Date.now(), metrics: this.view(), latency: this.latencyView() })
  }
}
