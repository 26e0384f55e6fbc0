import type { SceneEvent } from '@qqbot/core'
import { StateCodec } from './state-codec.js'
import { TrackedStateCell, type CellRuntime, type StateCell } from './state-cell.js'
import { STATE_SCOPES, type StateDefinition, type StateScope, type StateValue } from './state-definition.js'
import { scopeIdsOf } from './state-scope-ids.js'

/** `ctx.state` for one declaration: a {@link StateCell} per declared scope, typed by its schema. */
export type StateView<D extends StateDefinition = StateDefinition> = {
  readonly [K in keyof D['scopes'] & StateScope]-?: StateCell<StateValue<Exclude<D['scopes'][K], undefined>>>
}

/** What an event's state needs from its bot: the shared runtime, and the check that a namespace is one declaration's. */
export interface EventStateHost {
  readonly runtime: CellRuntime
  claim(definition: StateDefinition): void
}

/**
 * The state one event touches: a view per declaration it asked for (built on first use), and the save of every
 * changed cell once the handler returned. A view that is never read costs no storage call.
 */
export class EventState {
  /** The event's user, chat and guild ids, worked out on the first view (most events touch no state). */
  private ids: { [K in StateScope]?: string } | undefined
  /** Made on the first view: most events touch no state, and then an event state is two fields. */
  private views: Map<StateDefinition, { view: StateView; cells: TrackedStateCell<unknown>[] }> | undefined
  private discarded = false

  constructor(
    private readonly host: EventStateHost,
    private readonly event: SceneEvent,
  ) {}

  /** True once a view was made: only then is there anything {@link save} could write. */
  get touched(): boolean {
    return this.views !== undefined
  }

  view<D extends StateDefinition>(definition: D): StateView<D> {
    const views = (this.views ??= new Map())
    let entry = views.get(definition)
    if (!entry) {
      this.host.claim(definition)
      entry = this.build(definition)
      views.set(definition, entry)
    }
    return entry.view as StateView<D>
  }

  /** Saves every changed cell; all are tried, and the first failure is thrown after. */
  async save(): Promise<void> {
    if (this.discarded || this.views === undefined) return
    const cells = [...this.views.values()].flatMap((entry) => entry.cells)
    const results = await Promise.allSettled(cells.map((cell) => cell.save()))
    const failure = results.find((result) => result.status === 'rejected')
    if (failure) throw failure.reason
  }

  /** The handler failed: what it changed in place is never saved (`update()` and `delete()` already were). */
  discard(): void {
    this.discarded = true
  }

  private build(definition: StateDefinition): { view: StateView; cells: TrackedStateCell<unknown>[] } {
    const view: { [K in StateScope]?: TrackedStateCell<unknown> } = {}
    for (const scope of STATE_SCOPES) {
      const resolved = definition.resolved[scope]
      if (!resolved) continue
      const { namespace } = definition
      const id = (this.ids ??= scopeIdsOf(this.event))[scope]
      const location = id === undefined ? undefined : { namespace, scope, key: `${namespace}:${scope}:${id}` }
      const codec = new StateCodec(resolved, location ?? { namespace, scope, key: '(none)' })
      const unavailable = { namespace, scope, eventName: this.event.name }
      view[scope] = new TrackedStateCell(this.host.runtime, codec, location, unavailable, resolved.ttlMs)
    }
    // Only the declared scopes are present, which is what StateView<D> of this declaration promises.
    return { view: Object.freeze(view) as StateView, cells: Object.values(view) }
  }
}
