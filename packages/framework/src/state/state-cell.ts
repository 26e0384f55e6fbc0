import type { StateStorage } from '@qqbot/core'
import type { KeyLock } from './key-lock.js'
import type { StateCodec } from './state-codec.js'
import { stateConflict, StateScopeUnavailableError, type StateLocation } from './state-errors.js'

/**
 * One scope of state for the current event (`ctx.state.user`, `ctx.state.chat`, `ctx.state.guild`). Nothing
 * is read until you ask; what you change is saved once, after the handler returns (not when it throws).
 */
export interface StateCell<T> {
  /** Whether this event has an id for the scope (a group chat has no guild; some platform events no user). */
  readonly available: boolean
  /**
   * The value, read from storage on the first call (later calls return the same object). Change it in place
   * or with {@link StateCell.set}: it is saved after the handler if it changed, compare-and-set against the
   * version read, so a write by another event in between fails the save with `StateConflictError` rather than
   * being overwritten. For changes that depend on the current value (counters), use {@link StateCell.update}.
   */
  get(): Promise<T>
  /**
   * Replaces the value, saved after the handler. Without a `get()` before, the new value is written whatever
   * is stored by then (it cannot depend on it); after a `get()`, it is saved like a change in place.
   */
  set(value: T): void
  /**
   * Changes the value atomically, now: reads the stored value, applies `change` and writes the result if the
   * version is still the one read; on a conflict it reads and applies again (`change` may run more than once,
   * so keep it free of side effects). Resolves to the saved value, which becomes this cell's value. Throws
   * `StateConflictError` after the bot's `state.maxAttempts`, or at once when this event already changed the
   * value in place (those changes were made to a value that is no longer current).
   */
  update(change: (current: T) => T): Promise<T>
  /** Deletes the stored value now (whatever its version); the cell's value is then the initial one. */
  delete(): Promise<void>
}

/** What every cell of one bot shares: where state lives, the per-key queue, how often to retry. */
export interface CellRuntime {
  readonly storage: StateStorage
  readonly lock: KeyLock
  readonly maxAttempts: number
}

/** The value this event works on, and what storage holds as far as this event knows. */
interface Current {
  value: unknown
  /** The version the value was read at or last written as; `undefined` after a `set()` without a read. */
  version: number | undefined
  /** The JSON stored at `version`; `undefined` when the value must be written even if unchanged (migrated). */
  saved: string | undefined
}

/** The {@link StateCell} of one key for one event, and its save after the handler. */
export class TrackedStateCell<T> implements StateCell<T> {
  private current: Current | undefined
  private loading: Promise<void> | undefined
  /** Values handed out before update() or delete() replaced them, as they were then: changing one is an error. */
  private readonly replaced: { value: unknown; json: string }[] = []

  constructor(
    private readonly runtime: CellRuntime,
    private readonly codec: StateCodec,
    private readonly location: StateLocation | undefined,
    private readonly unavailable: { namespace: string; scope: StateLocation['scope']; eventName: string },
    private readonly ttlMs: number | undefined,
  ) {}

  get available(): boolean {
    return this.location !== undefined
  }

  async get(): Promise<T> {
    const { key } = this.locate()
    if (!this.current) await (this.loading ??= this.load(key))
    return this.current!.value as T
  }

  set(value: T): void {
    this.locate()
    if (this.current) this.current.value = value
    else this.current = { value, version: undefined, saved: undefined }
  }

  async update(change: (current: T) => T): Promise<T> {
    const location = this.locate()
    await this.loading
    return this.runtime.lock.run(location.key, async () => {
      if (this.current && this.changed(this.current)) {
        const json = this.codec.encode(change(this.current.value as T))
        const what = 'update() ran on a value this handler had changed'
        const written = await this.write(location, json, this.current.version, what)
        return this.replace({ value: parseValue(json), version: written, saved: json }) as T
      }
      return this.updateStored(location, change)
    })
  }

  async delete(): Promise<void> {
    const location = this.locate()
    await this.loading
    await this.runtime.lock.run(location.key, async () => {
      for (let attempt = 1; ; attempt++) {
        const stored = await this.runtime.storage.read(location.key)
        if (!stored || (await this.runtime.storage.delete(location.key, stored.version))) break
        if (attempt >= this.runtime.maxAttempts)
          throw stateConflict(location, `delete() tried ${attempt} times`, attempt)
        await backOff(attempt)
      }
      const initial = this.codec.initial()
      this.replace({ value: initial, version: 0, saved: this.codec.serialize(initial) })
    })
  }

  /** Writes the value if this event changed it (the framework calls this once the handler returned). */
  async save(): Promise<void> {
    const current = this.current
    if (!this.location) return
    const location = this.location
    if (this.replaced.some(({ value, json }) => this.codec.serialize(value) !== json))
      throw stateConflict(location, 'this handler changed a value it had read before update() or delete()', 1)
    if (!current || !this.changed(current)) return
    const json = this.codec.encode(current.value)
    const written = await this.runtime.lock.run(location.key, () =>
      this.write(location, json, current.version, 'this handler ran'),
    )
    // The handler's object stays the value: a context used after a save (a mock's) keeps working with it.
    current.version = written
    current.saved = json
  }

  private async load(key: string): Promise<void> {
    const stored = await this.runtime.storage.read(key)
    if (this.current) return // set() while reading: that value wins, written without a version
    if (!stored) {
      const initial = this.codec.initial()
      this.current = { value: initial, version: 0, saved: this.codec.serialize(initial) }
      return
    }
    const { value, migrated } = this.codec.decode(stored.json)
    this.current = { value, version: stored.version, saved: migrated ? undefined : this.codec.serialize(value) }
  }

  /** A fresh read-apply-write, retried on a conflict. */
  private async updateStored(location: StateLocation, change: (current: T) => T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.runtime.storage.read(location.key)
      const decoded = stored ? this.codec.decode(stored.json) : { value: this.codec.initial(), migrated: false }
      const next = change(decoded.value as T)
      const json = this.codec.encode(next)
      const version = stored?.version ?? 0
      const unchanged = !decoded.migrated && json === this.codec.serialize(decoded.value)
      const written = unchanged
        ? version
        : await this.runtime.storage.write(location.key, json, version, this.options())
      if (written !== undefined) return this.replace({ value: parseValue(json), version: written, saved: json }) as T
      if (attempt >= this.runtime.maxAttempts) throw stateConflict(location, `update() tried ${attempt} times`, attempt)
      await backOff(attempt)
    }
  }

  /**
   * Stores `json` at `version` (compare-and-set: a conflict is an error, the change was made to an older
   * value), or, for a value set without reading (`version` undefined), over whatever is stored (retried).
   * Resolves to the new version.
   */
  private async write(
    location: StateLocation,
    json: string,
    version: number | undefined,
    what: string,
  ): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const expected = version ?? (await this.runtime.storage.read(location.key))?.version ?? 0
      const written = await this.runtime.storage.write(location.key, json, expected, this.options())
      if (written !== undefined) return written
      if (version !== undefined) throw stateConflict(location, what, attempt)
      if (attempt >= this.runtime.maxAttempts) throw stateConflict(location, `saving tried ${attempt} times`, attempt)
      await backOff(attempt)
    }
  }

  /** Makes `next` this cell's value; the one handed out before is remembered, so changing it is not lost silently. */
  private replace(next: Current): unknown {
    const previous = this.current?.value
    if (typeof previous === 'object' && previous !== null)
      this.replaced.push({ value: previous, json: this.codec.serialize(previous) })
    this.current = next
    return next.value
  }

  private changed(current: Current): boolean {
    return current.saved === undefined || this.codec.serialize(current.value) !== current.saved
  }

  private options(): { ttlMs?: number } {
    return this.ttlMs === undefined ? {} : { ttlMs: this.ttlMs }
  }

  private locate(): StateLocation {
    if (this.location) return this.location
    const { namespace, scope, eventName } = this.unavailable
    throw new StateScopeUnavailableError(namespace, scope, eventName)
  }
}

function parseValue(json: string): unknown {
  return (JSON.parse(json) as { value?: unknown }).value
}

/** After a lost race, wait a random moment (growing, at most 100 ms) so contenders spread out; not at first. */
function backOff(attempt: number): Promise<void> {
  if (attempt < 2) return Promise.resolve()
  const ms = Math.random() * Math.min(100, 2 ** attempt)
  return new Promise((resolve) => setTimeout(resolve, ms))
}
