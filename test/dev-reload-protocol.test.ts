import { describe, expect, expectTypeOf, it } from 'vitest'
import * as bot from '../packages/framework/src/plugins/dev-reload.js'
import * as runner from '../packages/sandbox/src/dev/reload-protocol.js'

// The sandbox cannot import the framework (the dependency graph runs one way), so the two sides of the
// dev-reload channel each declare its messages: this keeps them the same.
describe('the dev-reload IPC protocol', () => {
  it('GIVEN the bot side and the runner side THEN they declare the same messages and environment variable', () => {
    expectTypeOf<bot.DevReloadMessage>().toEqualTypeOf<runner.DevReloadMessage>()
    expect(bot.DEV_RELOAD_ENV).toBe(runner.DEV_RELOAD_ENV)
  })
})
