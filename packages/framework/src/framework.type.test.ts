/**
 * Pins the command layer's types. Checked by `tsc -p tsconfig.test.json` (part of `npm test`).
 * TypeScript cannot check a parameter's declared type against its decorator's schema (parameter
 * decorators see no types), so `@Arg('n', z.number()) n: string` compiles: the schema is the truth at
 * run time, and the docs say to keep the two in step.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { GroupRobotEventPayload, SendResult } from '@qqbot/core'
import { z } from 'zod'
import {
  createBot,
  definePlugin,
  type ControllerLifetime,
  type ControllerOptions,
  type EventContext,
  type Lifetime,
  type OnReady,
  type OnStart,
  type Provider,
} from './index.js'

describe('framework types', () => {
  it('GIVEN EventContext<name> THEN data is that payload', () => {
    expectTypeOf<EventContext<'GROUP_ADD_ROBOT'>['data']>().toEqualTypeOf<GroupRobotEventPayload>()
    expectTypeOf<EventContext<'SOMETHING_NEW'>['data']>().toEqualTypeOf<unknown>()
    expectTypeOf<ReturnType<EventContext['reply']>>().toEqualTypeOf<Promise<SendResult>>()
  })

  it('GIVEN providers THEN lifetimes and shapes are checked', () => {
    class Service {}
    const ok: Provider[] = [
      Service,
      { token: 'v', useValue: 1 },
      { token: Service, useClass: Service, lifetime: 'event' },
      { token: 'f', useFactory: () => 1, lifetime: 'transient' },
    ]
    void ok
    // @ts-expect-error not a lifetime
    const bad: Provider = { token: Service, useClass: Service, lifetime: 'request' }
    void bad
  })

  it('GIVEN the lifetime words THEN providers take all three and controllers only singleton or event', () => {
    expectTypeOf<Lifetime>().toEqualTypeOf<'singleton' | 'transient' | 'event'>()
    expectTypeOf<ControllerOptions['lifetime']>().toEqualTypeOf<ControllerLifetime | undefined>()
    expectTypeOf<ControllerLifetime>().toEqualTypeOf<'singleton' | 'event'>()
    // @ts-expect-error a controller is built per bot or per event, never per injection
    const transient: ControllerOptions = { lifetime: 'transient' }
    void transient
    expectTypeOf<OnStart['onStart']>().toEqualTypeOf<OnReady['onReady']>()
  })

  it('GIVEN createBot THEN it takes controllers, plugins (called with their config, or a bare factory), or both', () => {
    const dice = definePlugin({ name: 'dice', config: z.object({ sides: z.number().default(6) }) })
    void (() => createBot({ appId: '1', secret: 's', plugins: [dice({ sides: 20 }), dice] }))
    void (() => createBot({ appId: '1', secret: 's', controllers: [] }))
    // @ts-expect-error a plugin's config is typed by its schema
    void dice({ sides: 'twenty' })
    // Nothing required (no schema, or defaults everywhere): the config may be left out; otherwise not.
    void definePlugin({ name: 'plain' })()
    void dice()
    const keyed = definePlugin({ name: 'keyed', config: z.object({ key: z.string() }) })
    // @ts-expect-error key is required
    void keyed()
    // @ts-expect-error a plugin is not a controller
    void (() => createBot({ appId: '1', secret: 's', plugins: [class {}] }))
  })
})
