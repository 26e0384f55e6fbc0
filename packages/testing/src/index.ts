/**
 * @qqbot/testing: test a bot without a platform. `createTestBot` runs the whole command chain against an
 * in-memory fake API (no sockets) on a manual clock; `mockCommandContext`/`mockEventContext` unit-test one
 * handler; `createIntegrationBot` runs a real bot against `@qqbot/fake-platform`. vitest matchers live in
 * `@qqbot/testing/matchers`.
 */
export { createTestBot, TestBot, type TestBotOptions } from './test-bot.js'
export { TestUser, TestChat, type ChatDriver, type SendOptions } from './test-user.js'
export { FakeApi, type RecordedApiCall, type SentReply } from './fake-api.js'
export { TestEventSource } from './test-event-source.js'
export { ManualClock } from './manual-clock.js'
export {
  mockCommandContext,
  mockEventContext,
  MockCommandContext,
  MockEventContext,
  type MockCommandContextOptions,
  type MockEventContextOptions,
  type MockEventData,
} from './mock-contexts.js'
export { createIntegrationBot, IntegrationBot, type IntegrationBotOptions } from './integration-bot.js'
export { ReplyTimeoutError, DeliveryFailedError } from './errors.js'
