import { hostname } from 'node:os'
import { z } from 'zod'
import { Arg, Command, Controller, Rest } from '@qqbot/framework'

/**
 * The bot's commands. They know nothing of ingress, workers or Redis: the same classes run in one process,
 * behind an ingress as workers, or over webhooks.
 */
@Controller()
export class PingController {
  @Command('ping', { description: 'Answers pong, and which worker answered' })
  ping() {
    return `pong from ${workerName()}`
  }

  @Command('add', { description: 'Adds two numbers' })
  add(@Arg('a', z.coerce.number()) a: number, @Arg('b', z.coerce.number()) b: number) {
    return `${a} + ${b} = ${a + b}`
  }

  @Command('echo', { description: 'Repeats the text' })
  echo(@Rest('text', z.string().min(1)) text: string) {
    return text
  }
}

export const controllers = [PingController]

function workerName(): string {
  return process.env.WORKER_NAME ?? `${hostname()}:${process.pid}`
}
