import { afterEach, describe, expect, it } from 'vitest'
import { groupAddRobot, groupAtMessage } from '@qqbot/fake-platform'
import {
  Command,
  CommandContext,
  Controller,
  EventContext,
  Inject,
  Injectable,
  OnEvent,
  type BotOptions,
  type OnReady,
  type OnShutdown,
  type OnStart,
  type OnStop,
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

@Injectable()
class Renamed implements OnStart, OnStop {
  onStart() {
    hooks.push('Renamed.onStart')
  }
  onStop() {
    hooks.push('Renamed.onStop')
  }
}

/** Has the current and the deprecated names: only the current ones run. */
@Controller()
class Both implements OnStart, OnStop, OnReady, OnShutdown {
  onStart() {
    hooks.push('Both.onStart')
  }
  onReady() {
    hooks.push('Both.onReady')
  }
  onStop() {
    hooks.push('Both.onStop')
  }
  onShutdown() {
    hooks.push('Both.onShutdown')
  }
}

/** An event-lifetime service built for an @OnEvent handler sees that event's EventContext. */
@Injectable()
class Joined {
  constructor(@Inject(EventContext) readonly ctx: EventContext<'GROUP_ADD_ROBOT'>) {}
}

@Controller({ lifetime: 'event' })
class Greeter {
  constructor(readonly joined: Joined) {}
  @OnEvent('GROUP_ADD_ROBOT')
  greet(ctx: EventContext<'GROUP_ADD_ROBOT'>) {
    return ctx.reply(`hello ${this.joined.ctx.data.group_openid} same:${this.joined.ctx === ctx}`)
  }
}

describe('one lifetime vocabulary', () => {
  it('GIVEN onStart/onStop THEN they run at the end of start() and the beginning of stop(); a deprecated name runs only without the current one', async () => {
    const { bot } = await start({ controllers: [Singleton, Both], providers: [Clock, Renamed] })
    expect(hooks).toEqual(['Clock.onReady', 'Renamed.onStart', 'Singleton.onReady', 'Both.onStart'])
    hooks.length = 0
    await bot.stop()
    expect(hooks).toEqual(['Clock.onShutdown', 'Renamed.onStop', 'Singleton.onShutdown', 'Both.onStop'])
  })

  it('GIVEN an event-lifetime controller with @OnEvent THEN its event-lifetime services can inject the EventContext', async () => {
    const { say } = await start({
      controllers: [Greeter],
      providers: [{ token: Joined, useClass: Joined, lifetime: 'event' }],
    })
    expect(await say(groupAddRobot({ groupOpenid: 'g-new' }))).toEqual(['hello g-new same:true'])
    expect(await say(groupAddRobot({ groupOpenid: 'g-other' }))).toEqual(['hello g-other same:true'])
  })
})
