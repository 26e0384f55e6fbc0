import { ConfigError } from '@qqbot/core'

/**
 * A controller's decorators can never work as written (`@Rest` before an `@Arg`, two arguments with one name,
 * `@Arg` on a method that is no command, …). Thrown by `createBot`, naming the class, the method and the fix.
 */
export class ControllerDefinitionError extends ConfigError {
  constructor(
    /** The controller class's name. */
    readonly controller: string,
    /** The method, when the problem is one method's. */
    readonly method: string | undefined,
    problem: string,
  ) {
    super(`${method === undefined ? controller : `${controller}.${method}`}: ${problem}`)
  }
}
