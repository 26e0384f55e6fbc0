import { ConfigError, SCENES, type Scene } from '@qqbot/core'
import type { ButtonHandlerDefinition, Guard } from '../metadata/controller-metadata.js'
import { buttonPatternsOverlap, matchButtonPattern } from './button-pattern.js'

/** One runnable `@OnButton` handler of one bot. */
export interface RegisteredButton {
  definition: ButtonHandlerDefinition
  controller: object
  /** Controller guards, then method guards. */
  guards: readonly Guard[]
  scenes: readonly Scene[]
}

/** What a click's data finds: the handler and its `{name}` values, or why none runs. */
export type ButtonRoute =
  | { handler: RegisteredButton; params: Record<string, string> }
  | { handler?: undefined; reason: 'no_handler' | 'wrong_scene' }

/**
 * A bot's button handlers. Patterns may not overlap (whatever their scenes): a click must never depend on the
 * order handlers were registered in, so two patterns that some data matches both fail when the bot is built.
 */
export class ButtonRegistry {
  private readonly handlers: RegisteredButton[] = []

  get size(): number {
    return this.handlers.length
  }

  add(
    controller: object,
    definition: ButtonHandlerDefinition,
    controllerScenes: readonly Scene[] | undefined,
    controllerGuards: readonly Guard[] = [],
  ): void {
    const handler: RegisteredButton = {
      definition,
      controller,
      guards: [...controllerGuards, ...definition.guards],
      scenes: definition.options.scenes ?? controllerScenes ?? SCENES,
    }
    const clash = this.handlers.find((other) => buttonPatternsOverlap(other.definition.pattern, definition.pattern))
    if (clash) {
      throw new ConfigError(
        `Two @OnButton handlers can match the same button data: ${describe(clash)} and ${describe(handler)}. ` +
          'Make the patterns disjoint (a distinct literal prefix, such as "roll:" and "vote:").',
      )
    }
    this.handlers.push(handler)
  }

  route(data: string, scene: Scene | undefined): ButtonRoute {
    for (const handler of this.handlers) {
      const params = matchButtonPattern(handler.definition.pattern, data)
      if (!params) continue
      if (!scene || !handler.scenes.includes(scene)) return { reason: 'wrong_scene' }
      return { handler, params }
    }
    return { reason: 'no_handler' }
  }
}

function describe(handler: RegisteredButton): string {
  return `${handler.controller.constructor.name}.${String(handler.definition.method)} (${JSON.stringify(handler.definition.pattern.source)})`
}
