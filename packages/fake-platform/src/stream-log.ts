/** One frame of a stream the platform accepted. */
export interface StreamFrameRecord {
  /** The frame's `index`. */
  index: number
  /** `input_state`: 1 generating, 10 finished. */
  state: number
  /** `content_raw`: the whole text so far (replace mode). */
  text: string
  /** When the platform accepted it (its clock, ms). */
  at: number
}

/** A stream (`POST /v2/users/{openid}/stream_messages`) as the platform saw it. */
export interface RecordedStream {
  /** The wire form: `stream_messages` (default when absent) or the older `stream` field of a message. */
  form?: 'stream_messages' | 'stream-field'
  /** The user openid. */
  target: string
  /** The `stream_msg_id` the first frame was answered with. */
  id: string
  /** The inbound message it answers. */
  msgId: string
  /** The `msg_seq` every frame carries. */
  msgSeq: number
  /** Accepted frames, in order. */
  frames: StreamFrameRecord[]
  /** True once its final frame (`input_state: 10`) was accepted. */
  finished: boolean
  /** The text of the final frame, once finished. */
  finalText: string | undefined
}

/** A typing indicator (`msg_type: 6`) the platform accepted. */
export interface RecordedTyping {
  /** The user openid. */
  target: string
  msgId: string
  msgSeq: number
  /** `input_notify.input_type`. */
  inputType: number
  /** `input_notify.input_second`. */
  seconds: number | undefined
  /** When the platform accepted it (its clock, ms). */
  at: number
}

interface FinishedWaiter {
  count: number
  resolve: (streams: RecordedStream[]) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

/** The streams and typing indicators the platform accepted, for tests to read. */
export class StreamLog {
  /** Every stream opened, in order. Cleared in place. */
  readonly streams: RecordedStream[] = []
  /** Every typing indicator accepted, in order. Cleared in place. */
  readonly typing: RecordedTyping[] = []
  private readonly byId = new Map<string, RecordedStream>()
  private readonly waiters = new Set<FinishedWaiter>()

  /** The streams whose final frame was accepted. */
  get finished(): RecordedStream[] {
    return this.streams.filter((stream) => stream.finished)
  }

  /** The stream a `stream_msg_id` names. */
  get(id: string): RecordedStream | undefined {
    return this.byId.get(id)
  }

  /** Records a new stream (its first frame accepted). */
  open(stream: RecordedStream): void {
    this.streams.push(stream)
    this.byId.set(stream.id, stream)
    this.changed()
  }

  /** Records an accepted frame of a known stream. */
  addFrame(stream: RecordedStream, frame: StreamFrameRecord): void {
    stream.frames.push(frame)
    if (frame.state === 10) {
      stream.finished = true
      stream.finalText = frame.text
    }
    this.changed()
  }

  /** Records an accepted typing indicator. */
  addTyping(typing: RecordedTyping): void {
    this.typing.push(typing)
  }

  /** Resolves with the finished streams once at least `count` have finished. */
  waitForFinished(count: number, timeoutMs = 5000): Promise<RecordedStream[]> {
    if (this.finished.length >= count) return Promise.resolve(this.finished)
    return new Promise((resolve, reject) => {
      const waiter: FinishedWaiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter)
          reject(new Error(`waitForFinished(${count}) timed out after ${timeoutMs} ms with ${this.finished.length}`))
        }, timeoutMs),
      }
      this.waiters.add(waiter)
    })
  }

  /** Forgets every stream and typing indicator (the arrays stay the same objects). */
  clear(): void {
    this.streams.length = 0
    this.typing.length = 0
    this.byId.clear()
  }

  /** Rejects pending waiters (the platform closed). */
  close(): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer)
      waiter.reject(new Error('fake platform closed'))
    }
    this.waiters.clear()
  }

  private changed(): void {
    const finished = this.finished
    for (const waiter of this.waiters) {
      if (finished.length < waiter.count) continue
      this.waiters.delete(waiter)
      clearTimeout(waiter.timer)
      waiter.resolve(finished)
    }
  }
}
