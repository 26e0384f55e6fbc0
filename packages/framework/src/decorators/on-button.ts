import { parseButtonPattern } from '../buttons/button-pattern.js'
import {
  definitionOf,
  takeMethodGuards,
  takeParams,
  type ButtonHandlerOptions,
} from '../metadata/controller-metadata.js'

/**
 * Handles clicks on callback buttons whose data matches `pattern` (INTERACTION_CREATE type 11), in every scene
 * the controller serves. `{name}` parts of the pattern are the click's parameters: `@Arg('sides', z.coerce.number())`
 * validates and converts one (by name); an undecorated parameter receives the `ButtonContext`. Guards
 * (`@UseGuards`) and DI work as for commands; a returned text or body is sent as the reply. The interaction is
 * acknowledged for you (see `ButtonContext.ack`).
 * ```ts-fragment
 * @OnButton('roll:{sides}')
 * roll(@Arg('sides', z.coerce.number().int().min(2)) sides: number) {
 *   return `🎲 ${1 + Math.floor(Math.random() * sides)}`
 * }
 * ```
 */
export function OnButton(pattern: string, options: ButtonHandlerOptions = {}): MethodDecorator {
  const parsed = parseButtonPattern(pattern)
  return (prototype, method) => {
    const params = takeParams(prototype, method)
    const where = `@OnButton(${JSON.stringify(pattern)}) on ${prototype.constructor.name}.${String(method)}`
    for (const param of params) {
      if (param.kind !== 'arg')
        throw new TypeError(
          `${where}: @${param.kind === 'rest' ? 'Rest' : 'Flag'} has no meaning for a button; use @Arg('name') for a {name} of the pattern.`,
        )
      if (!parsed.names.includes(param.name))
        throw new TypeError(
          `${where}: @Arg('${param.name}') names no part of the pattern; its parts are ${parsed.names.map((name) => `{${name}}`).join(', ') || 'none'}.`,
        )
    }
    definitionOf(prototype.constructor, true)!.buttons.push({
      method,
      pattern: parsed,
      options,
      params,
      guards: takeMethodGuards(prototype, method),
    })
  }
}
