/**
 * Pins the types users rely on. Checked by `tsc -p tsconfig.test.json` (part of `npm test`): an
 * `expectTypeOf` mismatch or an unused `@ts-expect-error` fails the type-check.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type {
  C2CMessage,
  GroupMessage,
  GroupRobotEventPayload,
  GuildMessage,
  InteractionPayload,
} from '../events/payloads.js'
import { parseEventPayload } from '../events/schemas.js'
import type { NonconformingField } from '../events/normalize.js'
import type { SendResult } from '../rest/api-types.js'
import { createClient } from './qqbot-client.js'

const client = createClient({ appId: '1', secret: 'secret', logLevel: 'silent' })

describe('event payload types by name', () => {
  it('GIVEN on(name) THEN the handler gets that payload type', () => {
    client.on('GROUP_AT_MESSAGE_CREATE', (event) => {
      expectTypeOf(event.data).toEqualTypeOf<GroupMessage>()
      expectTypeOf(event.name).toEqualTypeOf<'GROUP_AT_MESSAGE_CREATE'>()
    })
    client.on('C2C_MESSAGE_CREATE', (event) => expectTypeOf(event.data).toEqualTypeOf<C2CMessage>())
    client.on('AT_MESSAGE_CREATE', (event) => expectTypeOf(event.data).toEqualTypeOf<GuildMessage>())
    client.on('GROUP_ADD_ROBOT', (event) => expectTypeOf(event.data).toEqualTypeOf<GroupRobotEventPayload>())
    client.on('INTERACTION_CREATE', (event) => expectTypeOf(event.data).toEqualTypeOf<InteractionPayload>())
  })

  it('GIVEN an unknown event name THEN the payload is unknown, not any', () => {
    client.on('SOMETHING_NEW', (event) => expectTypeOf(event.data).toEqualTypeOf<unknown>())
  })

  it('GIVEN parseEventPayload with a literal name THEN data is typed', () => {
    const result = parseEventPayload('C2C_MESSAGE_CREATE', {})
    expectTypeOf(result.data).toEqualTypeOf<C2CMessage>()
    expectTypeOf(result.nonconforming).toEqualTypeOf<readonly NonconformingField[] | undefined>()
  })

  it('GIVEN reply THEN it takes text or a message body and resolves with the send result', () => {
    client.on('GROUP_AT_MESSAGE_CREATE', (event) => {
      expectTypeOf(client.reply(event, 'hi')).toEqualTypeOf<Promise<SendResult>>()
      void client.reply(event, { markdown: { content: '**x**' } })
      // @ts-expect-error a number is not a reply
      void client.reply(event, 42)
    })
  })

  it('GIVEN options THEN the legacy token and unknown intents do not compile', () => {
    // Not called: these are about what compiles (at run time both throw a ConfigError).
    // @ts-expect-error the legacy Bot appid.token scheme is not an option
    void (() => createClient({ appId: '1', secret: 's', token: 'Bot 1.x' }))
    // @ts-expect-error not an intent name
    void (() => createClient({ appId: '1', secret: 's', extraIntents: ['GUILD_MESAGES'] }))
  })
})
