import type { EventEnvelope, EventSink, EventSource } from '@qqbot/core'

/** An event source fed by the test: `emit()` pushes straight into the bot's pipeline, no sockets. */
export class TestEventSource implements EventSource {
  readonly kind = 'test'
  private sink: EventSink | undefined
  private counter = 0

  async start(sink: EventSink): Promise<void> {
    this.sink = sink
  }

  async stop(): Promise<void> {
    this.sink = undefined
  }

  emit(name: string, data: unknown, id = `${name}:test-${++this.counter}`): void {
    if (!this.sink) throw new Error('The test bot is not started: await createTestBot(...) first.')
    const envelope: EventEnvelope = { name, id, data, source: 'test', receivedAt: Date.now() }
    this.sink.push(envelope)
  }
}
