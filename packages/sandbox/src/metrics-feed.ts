import type { MetricsSnapshot, QQBotClient } from '@qqbot/core'
import type { PageServer } from './page-server.js'

const METRICS_INTERVAL_MS = 1_000

/** The watched clients' `metrics()`, pushed to the open pages every second when they change. */
export class MetricsFeed {
  private readonly watched: QQBotClient[] = []
  private readonly timer: NodeJS.Timeout
  private lastMetrics = ''

  constructor(private readonly page: PageServer) {
    this.timer = setInterval(() => this.publish(), METRICS_INTERVAL_MS)
    this.timer.unref()
  }

  watch(client: QQBotClient): void {
    if (!this.watched.includes(client)) this.watched.push(client)
    this.publish()
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
    const text = JSON.stringify({ type: 'metrics', metrics: this.view() })
    if (text === this.lastMetrics) return
    this.lastMetrics = text
    this.page.broadcastText(text)
  }
}
