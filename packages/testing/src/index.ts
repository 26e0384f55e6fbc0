/**
 * @qqbot/testing: test a bot without a platform. `createTestBot` runs the whole command chain against an
 * in-memory fake API (no sockets); `@qqbot/fake-platform` is there for tests with real sockets.
 */
export { createTestBot, TestBot, TestUser, TestChat, type TestBotOptions } from './test-bot.js'
export { FakeApi, type RecordedApiCall, type SentReply } from './fake-api.js'
export { TestEventSource } from './test-event-source.js'
