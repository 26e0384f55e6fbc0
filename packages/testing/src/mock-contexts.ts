import {
  createClient,
  type DispatchedEvent,
  type EventPayloadMap,
  type KnownEventName,
  type QQBotClient,
  type Scene,
} from '@qqbot/core'
import { eventDedupeKey } from '@qqbot/core/adapter'
import {
  CLOCK_KEY,
  CommandContext,
  detachedEventState,
  EventContext,
  MESSAGES,
  PromptRegistry,
  type CommandContextInit,
  type EventState,
  type NoState,
  type StateDefinition,
  type StateStorage,
  type Locale,
  type MessageTable,
  type PromptOptions,
} from '@qqbot/framework'
import { FakeApi, type SentReply } from './fake-api.js'
import { ManualClock } from './manual-clock.js'
import { messageEvent } from './message-events.js'

export interface MockCommandContextOptions<D extends StateDefinition = NoState> {
  /** Default `group`. */
  scene?: Scene
  /** The sender (member openid, user openid or guild user id). Default `test-user`. */
  userId?: string
  /** The group openid, channel id or DM guild id (unused in C2C). */
  chat?: string
  /** Guild channels: the guild id and the sender's role ids. */
  guildId?: string
  roles?: string[]
  /** The message text, e.g. `/roll 20`. Default `/<command> <argsText>`. */
  content?: string
  /** The command name. Default the first word of `content` without its `/`. */
  command?: string
  /** The text after the command word. Default the rest of `content`. */
  argsText?: string
  /** What the user answers to each `ctx.prompt()`, in order; once they run out, the next prompt times out. */
  answers?: string[]
  /** The language of `ctx.say()`; default `zh-CN`, as in `createBot`. */
  locale?: Locale
  messages?: Partial<MessageTable>
  /** The context's time (cooldown guards and prompt timeouts read it). Default a fresh {@link ManualClock}. */
  clock?: ManualClock
  /** The state the controller declares (`@Controller({ state })`): types and fills `ctx.state`. Default none. */
  state?: D
  /**
   * Where `ctx.state` is read and saved (share one between contexts to carry state from one call to the next).
   * Default: memory of this context's own, on its clock.
   */
  stateStorage?: StateStorage
}

/**
 * A real `CommandContext` for calling one handler method (or guard) directly. Replies go through the real
 * reply routing into a {@link FakeApi} and are readable as {@link MockCommandContext.replies}.
 */
export class MockCommandContext<D extends StateDefinition = NoState> extends CommandContext<D> {
  private readonly pendingState: EventState

  constructor(
    init: CommandContextInit & { state: EventState },
    /** The in-memory API the replies went to (and `ctx.client.api` calls go to). */
    readonly api: FakeApi,
    readonly clock: ManualClock,
    private readonly script: string[],
  ) {
    super(init)
    this.pendingState = init.state
  }

  /** Every reply sent through this context (`reply`, `say`, prompt questions). */
  get replies(): readonly SentReply[] {
    return this.api.sent
  }

  /** Scripted answers no prompt has used yet. */
  get answersLeft(): readonly string[] {
    return this.script
  }

  /** This context's label for matcher messages. */
  get label(): string {
    return `the mock context of /${this.command}`
  }
  /** The text of the last reply, or `undefined`. */
  lastReply(): string | undefined {
    return this.api.sent.at(-1)?.text
  }

  /** Saves what the handler changed in `ctx.state`, as the bot does after a handler returns. */
  saveState(): Promise<void> {
    return this.pendingState.save()
  }
}

/** An `EventContext` for calling one `@OnEvent` handler directly; replies are recorded like {@link MockCommandContext}'s. */
export class MockEventContext<
  N extends KnownEventName | string = string,
  D extends StateDefinition = NoState,
> extends EventContext<N, D> {
  private readonly pendingState: EventState

  constructor(
    event: DispatchedEvent<N>,
    client: QQBotClient,
    readonly api: FakeApi,
    state: { state: EventState; declaredState?: D },
  ) {
    super(event, client, state)
    this.pendingState = state.state
  }

  get replies(): readonly SentReply[] {
    return this.api.sent
  }

  get label(): string {
    return `the mock context of ${this.event.name}`
  }

  lastReply(): string | undefined {
    return this.api.sent.at(-1)?.text
  }

  /** Saves what the handler changed in `ctx.state`, as the bot does after a handler returns. */
  saveState(): Promise<void> {
    return this.pendingState.save()
  }
}

/** Builds a command context as the bot would for `content` sent by `userId` in `scene`. */
export function mockCommandContext<D extends StateDefinition = NoState>(
  options: MockCommandContextOptions<D> = {},
): MockCommandContext<D> {
  const scene = options.scene ?? 'group'
  const userId = options.userId ?? 'test-user'
  const api = new FakeApi()
  const clock = options.clock ?? new ManualClock()
  const typed = /^\s*\/?(\S*)\s*([\s\S]*)$/.exec(options.content ?? '')!
  const command = options.command ?? typed[1]!
  const argsText = options.argsText ?? (options.content === undefined ? '' : typed[2]!)
  const content = options.content ?? `/${command}${argsText ? ` ${argsText}` : ''}`
  let messages = 0
  const message = (text: string): DispatchedEvent => {
    const { name, data } = messageEvent({
      scene,
      id: `mock-msg-${++messages}`,
      userId,
      content: text,
      chat: options.chat,
      guildId: options.guildId,
      roles: options.roles,
      botId: api.botUser.id,
    })
    return dispatched(name, data, data.id as string)
  }
  const script = [...(options.answers ?? [])]
  const store = new Map<unknown, unknown>([[CLOCK_KEY, clock]])
  const event = message(content)
  const init: CommandContextInit & { state: EventState } = {
    event,
    client: recordingClient(api),
    scene,
    command,
    argsText,
    store,
    messages: { ...MESSAGES[options.locale ?? 'zh-CN'], ...options.messages },
    conversations: new ScriptedPrompts(clock, script, message),
    state: detachedEventState(event, { storage: options.stateStorage }, clock),
    declaredState: options.state,
  }
  return new MockCommandContext<D>(init, api, clock, script)
}

/** The data of an event, as loose as a test needs: known events take a partial payload. */
export type MockEventData<N extends string> = N extends KnownEventName
  ? Partial<EventPayloadMap[N]> & Record<string, unknown>
  : unknown

/** What {@link mockEventContext} takes besides the event. */
export interface MockEventContextOptions<D extends StateDefinition = NoState> {
  /** The event id. Default `<name>:mock`. */
  id?: string
  /** The state the controller declares: types and fills `ctx.state`. Default none. */
  state?: D
  /** Where `ctx.state` is read and saved. Default: memory of this context's own. */
  stateStorage?: StateStorage
}

/** Builds an event context for `name` with `data` (e.g. `mockEventContext('GROUP_ADD_ROBOT', { group_openid: 'g1' })`). */
export function mockEventContext<N extends KnownEventName | string, D extends StateDefinition = NoState>(
  name: N,
  data: MockEventData<N>,
  options: MockEventContextOptions<D> = {},
): MockEventContext<N, D> {
  const api = new FakeApi()
  const event = dispatched(name, data, options.id ?? `${name}:mock`) as DispatchedEvent<N>
  const state = detachedEventState(event, { storage: options.stateStorage })
  return new MockEventContext<N, D>(event, recordingClient(api), api, { state, declaredState: options.state })
}

/** Answers each prompt from the script (after the question is asked), or lets it time out on the clock. */
class ScriptedPrompts extends PromptRegistry {
  constructor(
    private readonly manualClock: ManualClock,
    private readonly script: string[],
    private readonly answer: (text: string) => DispatchedEvent,
  ) {
    super(manualClock)
  }

  override wait(event: DispatchedEvent, options?: PromptOptions): Promise<DispatchedEvent> {
    const waiting = super.wait(event, options)
    const text = this.script.shift()
    queueMicrotask(() => {
      if (text === undefined) void this.manualClock.runNextTimer()
      else this.offer(this.answer(text))
    })
    return waiting
  }
}

/** A client that is never started: replies and API calls go to `api`. */
function recordingClient(api: FakeApi): QQBotClient {
  return createClient({ appId: 'test-app', secret: 'test-secret', logLevel: 'silent', rest: { hooks: [api.hook] } })
}

function dispatched(name: string, data: unknown, id: string | undefined): DispatchedEvent {
  return {
    name,
    id,
    data,
    seq: undefined,
    source: 'test',
    shard: undefined,
    receivedAt: Date.now(),
    deliveryId: eventDedupeKey(name, id, data),
    attempt: 1,
  }
}
