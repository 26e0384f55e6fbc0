import { z } from 'zod'
import { Command, Controller, createBot, Inject, Rest, type Bot, type BotOptions } from '@qqbot/framework'

/**
 * What the bot needs from a language model: the answer to a question, in pieces as they are generated.
 *
 * To plug in a real model, implement it over your SDK's streaming call and return its text deltas, e.g. with
 * the OpenAI SDK: `const stream = await openai.chat.completions.create({ model, messages, stream: true })`,
 * then `for await (const part of stream) yield part.choices[0]?.delta?.content ?? ''`. Pass `signal` on to the
 * SDK so a stopped bot stops the request. Keep the API key in the environment, never in code or logs.
 */
export interface ChatModel {
  answer(question: string, options?: { signal?: AbortSignal }): AsyncIterable<string>
}

/** The injection token of the {@link ChatModel}. */
export const CHAT_MODEL = Symbol('ChatModel')

/**
 * A stand-in model with no network: answers by echoing the question word by word, a little apart, so the
 * answer visibly grows. Replace it with a real model (see {@link ChatModel}).
 */
export class EchoModel implements ChatModel {
  constructor(private readonly wordDelayMs = 150) {}

  async *answer(question: string, options: { signal?: AbortSignal } = {}): AsyncIterable<string> {
    const words = `You said: ${question}. A real model would answer here, word by word.`.split(' ')
    for (const [index, word] of words.entries()) {
      if (options.signal?.aborted) return
      await new Promise((resolve) => setTimeout(resolve, this.wordDelayMs))
      yield index === 0 ? word : ` ${word}`
    }
  }
}

@Controller()
export class AiChat {
  constructor(@Inject(CHAT_MODEL) private readonly model: ChatModel) {}

  /** `/ai <question>`: the model's answer, streamed (one growing message in C2C, one reply elsewhere). */
  @Command('ai', { aliases: ['ask'], description: 'Ask the model' })
  ask(@Rest('question', z.string().min(1)) question: string) {
    return this.model.answer(question)
  }
}

/** The AI chat bot, answering with `model`. */
export function createAiChatBot(options: Omit<BotOptions, 'controllers'> & { model: ChatModel }): Bot {
  const { model, providers = [], ...rest } = options
  return createBot({
    ...rest,
    controllers: [AiChat],
    providers: [{ token: CHAT_MODEL, useValue: model }, ...providers],
  })
}
