/**
 * vitest matchers for replies: `import '@qqbot/testing/matchers'` once (in a test file or a setup file), then
 * `expect(alice).toHaveRepliedWith(/sides/)`. Works on anything with `.replies`: a chat
 * (`bot.user('alice').inGroup('g1')`), a test or integration bot (any reply), a mock context.
 */
import { expect } from 'vitest'
import type { MessageBody } from '@qqbot/core'
import type { SentReply } from './fake-api.js'

/** Exact text, a pattern the text matches, a partial message body, or an asymmetric matcher for the text. */
export type ReplyExpectation = string | RegExp | Partial<MessageBody>

export interface QQBotReplyMatchers<R = unknown> {
  /** At least one reply was sent (in this chat, by this bot, through this context). */
  toHaveReplied(): R
  /** Some reply's text equals the string, matches the RegExp or asymmetric matcher, or its body contains the object. */
  toHaveRepliedWith(expected: ReplyExpectation): R
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends QQBotReplyMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends QQBotReplyMatchers {}
}

interface ReplySubject {
  readonly replies: readonly SentReply[]
  readonly label?: string
}

interface MatcherContext {
  isNot: boolean
  equals(a: unknown, b: unknown): boolean
  utils: { stringify(value: unknown): string }
}

interface MatcherResult {
  pass: boolean
  message: () => string
}

function subjectOf(received: unknown, matcher: string): ReplySubject {
  const replies = (received as { replies?: unknown } | null)?.replies
  if (typeof received === 'object' && received !== null && Array.isArray(replies)) return received as ReplySubject
  throw new TypeError(
    `${matcher}() needs a chat (bot.user(id).inGroup(...)), a test bot, an integration bot or a mock context: something with .replies. Got ${String(received)}.`,
  )
}

function labelOf(subject: ReplySubject): string {
  return typeof subject.label === 'string' ? subject.label : 'the bot'
}

/** A reply's text, or its whole body when there is no text or the expectation is about the body. */
function showReply(reply: SentReply, bodies = false): string {
  return reply.text !== undefined && !bodies ? JSON.stringify(reply.text) : JSON.stringify(reply.body)
}

function listReplies(replies: readonly SentReply[], bodies = false): string {
  return replies.map((reply, index) => `\n  ${index + 1}. ${showReply(reply, bodies)}`).join('')
}

function isBodyExpectation(expected: ReplyExpectation): expected is Partial<MessageBody> {
  return typeof expected === 'object' && expected !== null && !(expected instanceof RegExp) && !isAsymmetric(expected)
}

function isAsymmetric(value: unknown): boolean {
  return typeof (value as { asymmetricMatch?: unknown } | null)?.asymmetricMatch === 'function'
}

function showExpected(context: MatcherContext, expected: ReplyExpectation): string {
  if (typeof expected === 'string') return JSON.stringify(expected)
  if (expected instanceof RegExp) return String(expected)
  if (isBodyExpectation(expected)) return `a body containing ${JSON.stringify(expected)}`
  return context.utils.stringify(expected)
}

function matches(context: MatcherContext, reply: SentReply, expected: ReplyExpectation): boolean {
  if (typeof expected === 'string') return reply.text === expected
  if (expected instanceof RegExp) {
    expected.lastIndex = 0
    return reply.text !== undefined && expected.test(reply.text)
  }
  if (isAsymmetric(expected)) return context.equals(reply.text, expected)
  return context.equals(reply.body, expect.objectContaining(expected))
}

/** The matchers, for `expect.extend(qqbotMatchers)` if you prefer to install them yourself. */
export const qqbotMatchers = {
  toHaveReplied(this: MatcherContext, received: unknown): MatcherResult {
    const subject = subjectOf(received, 'toHaveReplied')
    const { replies } = subject
    return {
      pass: replies.length > 0,
      message: () =>
        this.isNot
          ? `expected ${labelOf(subject)} not to have replied, but it replied:${listReplies(replies)}`
          : `expected ${labelOf(subject)} to have replied, but there are no replies`,
    }
  },

  toHaveRepliedWith(this: MatcherContext, received: unknown, expected: ReplyExpectation): MatcherResult {
    const subject = subjectOf(received, 'toHaveRepliedWith')
    const { replies } = subject
    const hit = replies.findIndex((reply) => matches(this, reply, expected))
    const wanted = showExpected(this, expected)
    const bodies = isBodyExpectation(expected)
    return {
      pass: hit >= 0,
      message: () => {
        if (this.isNot)
          return `expected ${labelOf(subject)} not to have replied with ${wanted}, but reply ${hit + 1} was ${showReply(replies[hit]!, bodies)}`
        if (replies.length === 0)
          return `expected ${labelOf(subject)} to have replied with ${wanted}, but there are no replies`
        return `expected ${labelOf(subject)} to have replied with ${wanted}, but its replies were:${listReplies(replies, bodies)}`
      },
    }
  },
}

/** Adds the matchers to vitest's `expect` (importing this module already did). */
export function installMatchers(): void {
  expect.extend(qqbotMatchers)
}

installMatchers()
