import { createClient, type ClientOptions, type DispatchedEvent, type QQBotClient } from '@qqbot/core'

/** Strips the bot mention (`<@!id>`) and surrounding spaces the platform leaves in message content. */
export function textOf(content: string): string {
  return content.replace(/<@!?\d+>/g, '').trim()
}

/** `/ping` → `pong`, `/ping hello` → `pong hello`; anything else is ignored. */
export function answerFor(content: string): string | undefined {
  const match = /^\/ping(?:\s+(.*))?$/s.exec(textOf(content))
  if (!match) return undefined
  return match[1] ? `pong ${match[1]}` : 'pong'
}

/** Creates the ping bot on the core runtime: one handler per message scene, each replying in place. */
export function createPingBot(options: ClientOptions): QQBotClient {
  const client = createClient(options)
  const onMessage = (event: DispatchedEvent<string, { content: string }>) => {
    const answer = answerFor(event.data.content)
    return answer === undefined ? undefined : client.reply(event, answer)
  }
  client.on('AT_MESSAGE_CREATE', onMessage)
  client.on('DIRECT_MESSAGE_CREATE', onMessage)
  client.on('GROUP_AT_MESSAGE_CREATE', onMessage)
  client.on('C2C_MESSAGE_CREATE', onMessage)
  return client
}
