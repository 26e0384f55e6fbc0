import { isScene, QQBotError, SCENES, type QQBotClient, type Scene } from '@qqbot/core'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { BotActivity } from './bot-activity.js'
import { ConversationStore, type BotEntry, type Entry, type NewEntry } from './conversation-store.js'
import { MetricsFeed } from './metrics-feed.js'
import { PageServer } from './page-server.js'
import {
  parseClientMessage,
  protocolError,
  MAX_TEXT_LENGTH,
  type ClickMessage,
  type ErrorCode,
} from './page-protocol.js'
import { findButton, type ReplyView } from './reply-view.js'
import { resolvePort, type SandboxOptions } from './sandbox-options.js'
import { SCENE_LABELS, conversationFor, interactionEvent, messageEvent, type ConversationInfo } from './scenes.js'
import { ReplyLatency } from './reply-latency.js'
import { callDetail, frameDetail, isHeartbeat } from './traffic-detail.js'
import { TrafficLog, describeCall, describeFrame, type LogDetails, type LogEntry } from './traffic-log.js'
import { UserDirectory, MAX_USERS, type SandboxUser } from './users.js'

/** What a bot needs to connect to the sandbox's platform: spread it into `createBot`/`createClient` options. */
export interface SandboxConnection {
  appId: string
  secret: string
  hosts: { api: string }
}

/** A message typed as a sandbox user, from code (the page sends the same). */
export interface SayInput {
  scene: Scene
  /** A sandbox user (`alice`, `bob`, or one added from the page); default `alice`. */
  user?: string
  text: string
}

/** A running sandbox: the fake platform, the page, and what the page shows. Create with {@link startSandbox}. */
export interface Sandbox {
  /** The page, e.g. `http://127.0.0.1:3000/`. */
  readonly url: string
  /** The embedded fake platform. */
  readonly platform: FakePlatform
  readonly connection: SandboxConnection
  /** Shows `client.metrics()` on the page, refreshed every second. */
  watch(client: QQBotClient): void
  /** Adds a line to the page's traffic panel, e.g. `plugin dice reloaded (v2)` under `npm run dev`. */
  announce(text: string): void
  /** Sends a message as a sandbox user, as if typed on the page; throws {@link SandboxInputError} on bad input. */
  say(input: SayInput): { conversation: ConversationInfo; entry: Entry }
  /** The entries of a conversation so far (user messages, bot replies, notices), oldest first. */
  transcript(conversationId: string): readonly Entry[]
  /** Closes the page and the platform. Idempotent. */
  close(): Promise<void>
}

/** Bad input from the page or from {@link Sandbox.say}; `reason` is the code the page gets. */
export class SandboxInputError extends QQBotError {
  constructor(
    readonly reason: ErrorCode,
    message: string,
  ) {
    super(`SANDBOX_${reason.toUpperCase().replaceAll('-', '_')}`, message)
  }
}

/** Starts the fake platform and serves the page on `host:port` (127.0.0.1 and QQBOT_SANDBOX_PORT or 3000 by default). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const port = resolvePort(options.port)
  const host = options.host ?? '127.0.0.1'
  const platform = await startFakePlatform({ heartbeatIntervalMs: 30_000, ...options.platform })
  const sandbox = new LocalSandbox(platform)
  try {
    await sandbox.listen(port, host)
  } catch (error) {
    await sandbox.close()
    throw error
  }
  return sandbox
}

class LocalSandbox implements Sandbox {
  readonly connection: SandboxConnection
  private readonly page: PageServer
  private readonly users: UserDirectory
  private readonly conversations = new ConversationStore()
  private readonly traffic = new TrafficLog()
  private readonly latency = new ReplyLatency()
  private readonly bot: BotActivity
  private readonly metrics: MetricsFeed
  private readonly unsubscribe: (() => void)[]
  private closing: Promise<void> | undefined

  constructor(readonly platform: FakePlatform) {
    this.connection = { appId: platform.appId, secret: platform.secret, hosts: { api: platform.url } }
    this.users = new UserDirectory(platform.directory)
    this.page = new PageServer({
      welcome: () => this.welcome(),
      message: (raw, reply) => this.onPageMessage(raw, reply),
    })
    this.bot = new BotActivity(this.conversations, this.users, {
      add: (conversation, entry) => this.addEntry(conversation, entry),
      update: (conversation, messageId, view) => this.updateBotEntry(conversation, messageId, view),
    })
    this.unsubscribe = [
      platform.onSent((message) => this.bot.onSent(message)),
      platform.onRequest((call) => {
        const latencyMs = this.latency.replied((call.body as { msg_id?: unknown } | undefined)?.msg_id, call.at)
        this.publishLog('rest', describeCall(call), { detail: callDetail(call), latencyMs })
        this.bot.onCall(call)
      }),
      platform.onGatewayFrame((frame) =>
        this.publishLog('gateway', describeFrame(frame), { detail: frameDetail(frame), heartbeat: isHeartbeat(frame) }),
      ),
    ]
    this.metrics = new MetricsFeed(this.page, this.latency)
  }

  get url(): string {
    return this.page.url
  }

  listen(port: number, host: string): Promise<void> {
    return this.page.listen(port, host)
  }

  watch(client: QQBotClient): void {
    this.metrics.watch(client)
  }

  announce(text: string): void {
    this.publishLog('dev', text, {})
  }

  say(input: SayInput): { conversation: ConversationInfo; entry: Entry } {
    if (!isScene(input.scene))
      throw new SandboxInputError(
        'unknown-scene',
        `Unknown scene ${JSON.stringify(input.scene)}: use guild, dm, group or c2c.`,
      )
    const user = this.user(input.user ?? 'alice')
    if (input.text.trim() === '')
      throw new SandboxInputError('empty-text', 'Type something before sending: the message is empty.')
    if (input.text.length > MAX_TEXT_LENGTH)
      throw new SandboxInputError(
        'text-too-long',
        `Messages may be at most ${MAX_TEXT_LENGTH} characters; this one has ${input.text.length}.`,
      )
    const event = messageEvent(input.scene, user, input.text, this.platform.botUser.id)
    const conversation = conversationFor(input.scene, user)
    const entry = this.addEntry(conversation, {
      kind: 'user',
      conversation: conversation.id,
      user: user.name,
      text: input.text,
      event: event.t,
    })
    if (typeof event.d.id === 'string') this.latency.dispatched(event.d.id)
    this.platform.dispatchEvent(event)
    return { conversation, entry }
  }

  transcript(conversationId: string): readonly Entry[] {
    return this.conversations.entries(conversationId)
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.metrics.stop()
      for (const off of this.unsubscribe) off()
      await this.page.close()
      await this.platform.close()
    })()
    return this.closing
  }

  // ---------------------------------------------------------------- from the page

  private onPageMessage(raw: string, reply: (message: unknown) => void): void {
    const message = parseClientMessage(raw)
    try {
      switch (message.type) {
        case 'error':
          return reply(message)
        case 'send':
          return void this.say(message)
        case 'click':
          return this.click(message)
        case 'add-user':
          return this.addUser(message.name)
      }
    } catch (error) {
      if (error instanceof SandboxInputError) return reply(protocolError(error.reason, error.message))
      throw error
    }
  }

  private click(message: ClickMessage): void {
    const conversation = this.conversations.info(message.conversation)
    if (!conversation)
      throw new SandboxInputError(
        'unknown-conversation',
        `No conversation ${JSON.stringify(message.conversation)}: click a button shown on the page.`,
      )
    const entry = this.conversations.botMessage(conversation.id, message.messageId)
    if (!entry)
      throw new SandboxInputError(
        'unknown-message',
        `The bot sent no message ${JSON.stringify(message.messageId)} in this conversation.`,
      )
    const button = findButton(entry.view, message.buttonId)
    if (!button)
      throw new SandboxInputError('unknown-button', `That message has no button ${JSON.stringify(message.buttonId)}.`)
    if (button.action !== 'callback')
      throw new SandboxInputError(
        'not-a-callback-button',
        `Button "${button.label}" is a ${button.action} button: the page handles it, no interaction is sent.`,
      )
    // In a DM or C2C chat only its owner can click.
    const user = this.user(conversation.owner ?? message.user)
    const event = interactionEvent(conversation, user, button, entry.messageId)
    this.bot.clicked(event.id!, conversation.id)
    this.addEntry(conversation, {
      kind: 'notice',
      conversation: conversation.id,
      text: `${user.name} clicked “${button.label}”`,
    })
    this.platform.dispatchEvent(event)
  }

  private addUser(name: string): void {
    const added = this.users.add(name)
    if (added === 'invalid-name')
      throw new SandboxInputError(
        'invalid-user-name',
        `User names are 1 to 24 letters, digits, "_" or "-"; got ${JSON.stringify(name)}.`,
      )
    if (added === 'exists') throw new SandboxInputError('user-exists', `There is already a user called ${name}.`)
    if (added === 'full') throw new SandboxInputError('too-many-users', `The sandbox keeps at most ${MAX_USERS} users.`)
    this.page.broadcast({ type: 'users', users: this.usersView(), added: added.name })
  }

  private user(name: string): SandboxUser {
    const user = this.users.get(name)
    if (!user)
      throw new SandboxInputError(
        'unknown-user',
        `Unknown user ${JSON.stringify(name)}: pick one of ${this.users
          .list()
          .map((u) => u.name)
          .join(', ')} or add it first.`,
      )
    return user
  }

  // ---------------------------------------------------------------- to the page

  private welcome(): unknown {
    return {
      type: 'hello',
      bot: this.platform.botUser.username,
      scenes: SCENES.map((id) => ({ id, ...SCENE_LABELS[id] })),
      users: this.usersView(),
      conversations: this.conversations.all(),
      log: this.traffic.recent(),
      metrics: this.metrics.view(),
    }
  }

  private usersView(): { name: string; conversations: Record<Scene, ConversationInfo> }[] {
    return this.users.list().map((user) => ({
      name: user.name,
      conversations: Object.fromEntries(SCENES.map((scene) => [scene, conversationFor(scene, user)])) as Record<
        Scene,
        ConversationInfo
      >,
    }))
  }

  private addEntry(conversation: ConversationInfo, entry: NewEntry): Entry {
    const added = this.conversations.add(conversation, entry)
    this.page.broadcast({ type: 'entry', conversation, entry: added })
    return added
  }

  /** A bot message shown again with a new view (a stream that grew): the page redraws that bubble in place. */
  private updateBotEntry(conversation: ConversationInfo, messageId: string, view: ReplyView): BotEntry | undefined {
    const updated = this.conversations.updateBotMessage(conversation.id, messageId, view)
    if (updated) this.page.broadcast({ type: 'entry-update', conversation, entry: updated })
    return updated
  }

  private publishLog(kind: LogEntry['kind'], text: string, details: LogDetails): void {
    this.page.broadcast({ type: 'log', entry: this.traffic.add(kind, text, details) })
  }
}
