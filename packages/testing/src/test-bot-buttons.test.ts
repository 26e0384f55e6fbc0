import { afterEach, describe, expect, it } from 'vitest'
import { clickButton } from '@qqbot/fake-platform'
import { button, ButtonContext, Command, Controller, keyboard, markdown, OnButton } from '@qqbot/framework'
import { createTestBot, type TestBot } from './index.js'

@Controller()
class Dice {
  @Command('dice')
  dice() {
    return { markdown: markdown.text('**Pick**'), keyboard: keyboard().row(button.callback('d20', 'roll:20')).build() }
  }

  @OnButton('roll:{sides}')
  roll(ctx: ButtonContext) {
    return `${ctx.userId} rolled a d${ctx.params.sides}`
  }
}

let test: TestBot | undefined
afterEach(async () => {
  await test?.stop()
  test = undefined
})

describe('buttons in the test bot', () => {
  it('GIVEN a keyboard reply WHEN the user clicks it (clickButton on the reply) THEN @OnButton answers and the click is acknowledged with 0', async () => {
    test = await createTestBot({ controllers: [Dice] })
    const [menu] = await test.user('alice').inGroup('g1').send('/dice')
    const click = clickButton(menu!, 'd20', { by: 'alice', id: 'itx-1' })
    expect((await test.emit(click.t, click.d)).map((reply) => reply.text)).toEqual(['alice rolled a d20'])
    expect(test.api.calls.find((call) => call.method === 'PUT')).toMatchObject({
      path: '/interactions/itx-1',
      body: { code: 0 },
    })
  })
})
