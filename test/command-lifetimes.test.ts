import { afterEach, describe, expect, it } from 'vitest'
import { groupAtMessage } from '@qqbot/fake-platform'
import {
  Command,
  CommandContext,
  Controller,
  Inject,
  Injectable,
  type BotOptions,
  type OnReady,
  type OnShutdown,
} from '@qqbot/framework'
import { startBotHarness } from './support/bot-harness.js'

let created = { singleton: 0, transient: 0, perEvent: 0, controller: 0 }
const hooks: string[] = []

@Injectable()
class Clock implements OnReady, OnShutdown {
  constructor() {
    created.singleton++
  }
  onReady() {
    hooks.push('Clock.onReady')
  }
  onShutdown() {
    hooks.push('Clock.onShutdown')
  }
}

@Injectable()
class Scratch {
  constructor() {
    created.transient++
  }
}

/** One per event, and it can see the event's context. */
@Injectable()
class RequestInfo {
  constructor(@Inject(CommandContext) readonly ctx: CommandContext) {
    created.perEvent++
  }
  get who(): string {
    return this.ctx.userId ?? '?'
  }
}

@Controller({ lifetime: 'event' })
class PerEvent {
  constructor(
    readonly clock: Clock,
    @Inject('scratch-a') readonly a: Scratch,
    @Inject('scratch-b') readonly b: Scratch,
    readonly info: RequestInfo,
    @Inject(RequestInfo) readonly sameInfo: RequestInfo,
  ) {
    created.controller++
  }

  @Command('who')
  who() {
    return `${this.info.who} same-scope:${this.info === this.sameInfo} transient-distinct:${this.a !== this.b}`
  }
}

@Controller()
class Singleton implements OnReady, OnShutdown {
  @Command('ping')
  ping() {
    return 'pong'
  }
  onReady() {
    hooks.push('Singleton.onReady')
  }
  onShutdown() {
    hooks.push('Singleton.onShutdown')
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  created = { singleton: 0, transient: 0, perEvent: 0, controller: 0 }
  hooks.length = 0
})

function start(options: Partial<BotOptions> = {}) {
  return startBotHarness(
    {
      controllers: [PerEvent, Singleton],
      providers: [
        Clock,
        { token: 'scratch-a', useClass: Scratch, lifetime: 'transient' },
        { token: 'scratch-b', useClass: Scratch, lifetime: 'transient' },
        { token: RequestInfo, useClass: RequestInfo, lifetime: 'event' },
      ],
      ...options,
    },
    cleanups,
  )
}

describe('lifetimes and hooks', () => {
  it('GIVEN singleton, transient and per-event providers THEN each lives as long as it says', async () => {
    const { say } = await start()
    const afterStart = { ...created }
    expect(await say(groupAtMessage({ content: '/who', memberOpenid: 'alice' }))).toEqual([
      'alice same-scope:true transient-distinct:true',
    ])
    expect(await say(groupAtMessage({ content: '/who', memberOpenid: 'bob' }))).toEqual([
      'bob same-scope:true transient-distinct:true',
    ])
    expect(created.singleton).toBe(1)
    expect(created.controller - afterStart.controller).toBe(2)
    expect(created.perEvent - afterStart.perEvent).toBe(2)
    expect(created.transient - afterStart.transient).toBe(4)
  })

  it('GIVEN onReady/onShutdown on services and controllers THEN they run after connecting and before disconnecting', async () => {
    const { say, bot } = await start()
    expect(hooks).toEqual(['Clock.onReady', 'Singleton.onReady'])
    expect(await say(groupAtMessage({ content: '/ping' }))).toEqual(['pong'])
    await bot.stop()
    await bot.stop()
    expect(hooks).toEqual(['Clock.onReady', 'Singleton.onReady', 'Clock.onShutdown', 'Singleton.onShutdown'])
  })
})
