import type { z } from 'zod'
import { ControllerDefinitionError } from './controller-definition-error.js'
import {
  PARAM_DECORATORS,
  uncollectedDecorations,
  type CommandDefinition,
  type ControllerDefinition,
  type ParamDefinition,
} from './controller-metadata.js'

/**
 * Checks what the decorators recorded on one controller before the bot registers it, so a definition that can
 * never work fails at `createBot()` with the class, the method and the fix, not at the first message (or with
 * `Cannot read properties of undefined`). `prefixes` are the bot's static ones (a name must not start with one).
 */
export function checkController(
  controller: { name: string; prototype: object },
  definition: ControllerDefinition,
  prefixes: readonly string[],
): void {
  const fail = (method: string | symbol | undefined, problem: string): never => {
    throw new ControllerDefinitionError(controller.name, method === undefined ? undefined : String(method), problem)
  }
  for (const { method, decorators } of uncollectedDecorations(controller.prototype))
    fail(
      method,
      `${decorators.join(', ')} on a method that is no handler: add @Command('name') (or @OnButton) to the method, or remove ${decorators.length > 1 ? 'them' : 'it'}.`,
    )
  for (const command of definition.commands) checkCommand(command, prefixes, (problem) => fail(command.method, problem))
  for (const handler of definition.buttons) checkSchemas(handler.params, (problem) => fail(handler.method, problem))
}

function checkCommand(command: CommandDefinition, prefixes: readonly string[], fail: (problem: string) => never): void {
  const prefix = prefixes.find((candidate) => candidate !== '' && command.name.startsWith(candidate))
  if (prefix !== undefined)
    fail(
      `@Command('${command.name}') starts with the prefix '${prefix}', so it would answer only '${prefix}${command.name}': write @Command('${command.name.slice(prefix.length)}'); the bot adds the prefix.`,
    )
  const params = command.params
  checkSchemas(params, fail)
  const names = new Map<string, ParamDefinition>()
  const shorts = new Map<string, ParamDefinition>()
  let rest: ParamDefinition | undefined
  let optional: ParamDefinition | undefined
  for (const param of params) {
    const same = names.get(param.name)
    if (same)
      fail(
        `${decorator(same)} and ${decorator(param)} share one name: give each argument and flag its own, it is what the user reads in errors and help.`,
      )
    names.set(param.name, param)
    if (param.kind === 'flag') {
      if (param.short === undefined) continue
      if ([...param.short].length !== 1 || param.short === '-')
        fail(
          `${decorator(param)} has short '${param.short}': a short flag is one character (typed -${[...param.short][0] ?? 'x'}); use a long name for more.`,
        )
      const other = shorts.get(param.short)
      if (other)
        fail(`${decorator(other)} and ${decorator(param)} both have short '${param.short}': give each its own.`)
      shorts.set(param.short, param)
      continue
    }
    if (rest)
      fail(
        param.kind === 'rest'
          ? `two @Rest (${decorator(rest)}, ${decorator(param)}): the first takes the rest of the line, so the second would always be empty; keep one.`
          : `${decorator(param)} comes after ${decorator(rest)}, which takes the rest of the line: move @Rest to the last argument.`,
      )
    if (param.kind === 'rest') rest = param
    const isOptional = param.schema.safeParse(undefined).success
    if (isOptional) optional ??= param
    else if (optional)
      fail(
        `the required ${decorator(param)} comes after the optional ${decorator(optional)}, so it could only be given with it: put required arguments first, or make ${param.name} optional too.`,
      )
  }
}

function checkSchemas(params: readonly ParamDefinition[], fail: (problem: string) => never): void {
  for (const param of params)
    if (!isSchema(param.schema))
      fail(
        `${decorator(param)} has no zod schema (got ${param.schema === null ? 'null' : typeof param.schema}): pass one, e.g. @${PARAM_DECORATORS[param.kind]}('${param.name}', z.string()).`,
      )
}

function isSchema(value: unknown): value is z.ZodType {
  return typeof (value as { safeParse?: unknown } | undefined)?.safeParse === 'function'
}

function decorator(param: ParamDefinition): string {
  return `@${PARAM_DECORATORS[param.kind]}('${param.name}')`
}
