import type { Logger } from 'pino'
import type { Scene } from '../events/scene.js'
import { plainTextOf } from '../messages/markdown-text.js'
import type { Metrics } from '../metrics/metrics.js'
import { ApiError } from '../rest/api-error.js'
import { MessageType, type MessageBody, type SendResult } from '../rest/api-types.js'

/**
 * The platform's refusals of markdown or a keyboard that plain text answers (docs/protocol.md, markdown and
 * keyboards): no template permission, no keyboard permission, markdown not allowed in a reply, custom keyboard
 * not allowed, native markdown not allowed (three codes), template not fetchable.
 */
export const MARKDOWN_REFUSAL_CODES: ReadonlySet<number> = new Set([
  304036, 304037, 304041, 304057, 40034012, 40034090, 50056, 340072,
])

/** What a reply does when the platform refuses its markdown or keyboard; the reply option `markdownFallback`. */
export interface MarkdownFallbackOptions {
  /**
   * Remember the refusal for the scene (group, C2C, guild channel, DM): later replies with markdown or a
   * keyboard in that scene go as plain text at once, without a refused attempt first. Default true; false
   * tries the markdown every time (and falls back every time).
   */
  rememberPerScene?: boolean
}

/** A send of one body; the fallback calls it for the attempt and, when refused, for the plain-text resend. */
export type SendAttempt = (body: MessageBody) => Promise<SendResult>

/**
 * Resends a refused markdown or keyboard reply once as plain text (markdown as readable text, keyboard dropped,
 * with a fresh `msg_seq` from `freshSeq`), and, unless told otherwise, remembers per scene that the bot may not
 * send them there. Each fallback is counted in `replies_markdown_fallback` (by scene and code); the first in a
 * scene is logged once.
 */
export class MarkdownFallback {
  private readonly textOnly = new Set<Scene>()
  private readonly logged = new Set<Scene>()
  private readonly rememberPerScene: boolean

  constructor(
    options: MarkdownFallbackOptions,
    private readonly observers: { metrics?: Metrics; logger?: Logger } = {},
  ) {
    this.rememberPerScene = options.rememberPerScene ?? true
  }

  /**
   * Sends `body` in `scene` with `attempt`. A body without markdown or keyboard goes unchanged. `freshSeq`
   * gives the resend its own `msg_seq` (`undefined` where the scene has none).
   */
  async send(
    scene: Scene,
    body: MessageBody,
    attempt: SendAttempt,
    freshSeq: () => number | undefined,
  ): Promise<SendResult> {
    if (!hasRichContent(body)) return attempt(body)
    if (this.textOnly.has(scene)) {
      this.observers.metrics?.inc('replies_markdown_fallback', { scene, code: 'remembered' })
      return attempt(asText(scene, body, body.msg_seq))
    }
    try {
      return await attempt(body)
    } catch (error) {
      const code = refusalCode(error)
      if (code === undefined) throw error
      this.noteRefusal(scene, code)
      return attempt(asText(scene, body, body.msg_seq === undefined ? undefined : freshSeq()))
    }
  }

  private noteRefusal(scene: Scene, code: number): void {
    this.observers.metrics?.inc('replies_markdown_fallback', { scene, code })
    if (this.rememberPerScene) this.textOnly.add(scene)
    // Logged once per scene; every later one is in the metric.
    if (this.logged.has(scene)) return
    this.logged.add(scene)
    this.observers.logger?.warn(
      { scene, code },
      `the platform refused markdown or a keyboard in ${scene} (code ${code}); the reply went as plain text` +
        (this.rememberPerScene ? ', and so will later ones there' : ''),
    )
  }
}

function hasRichContent(body: MessageBody): boolean {
  return body.markdown !== undefined || body.keyboard !== undefined
}

function refusalCode(error: unknown): number | undefined {
  if (!(error instanceof ApiError) || !error.isIn(MARKDOWN_REFUSAL_CODES)) return undefined
  return error.platformCode !== undefined && MARKDOWN_REFUSAL_CODES.has(error.platformCode)
    ? error.platformCode
    : error.errCode
}

/** The plain-text body for `scene`: group and C2C sends name their `msg_type` and carry `seq`. */
function asText(scene: Scene, body: MessageBody, seq: number | undefined): MessageBody {
  const text = plainTextOf(body)
  if (scene === 'group' || scene === 'c2c') {
    text.msg_type = text.media ? MessageType.MEDIA : MessageType.TEXT
    if (seq !== undefined) text.msg_seq = seq
  }
  return text
}
