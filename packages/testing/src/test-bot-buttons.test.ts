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
  it.each([
    ['group', (bot: TestBot) => bot.user('alice').inGroup('g1')],
    ['c2c', (bot: TestBot) => bot.user('alice').inC2C()],
    ['guild', (bot: TestBot) => bot.user('alice').inChannel('c1')],
  ] as const)(
    "GIVEN a keyboard reply in %s WHEN the user clicks it with chat.click THEN the answer is one of the chat's replies",
    async (_scene, chatOf) => {
      test = await createTestBot({ controllers: [Dice] })
      const chat = chatOf(test)
      const [menu] = await chat.send('/dice')
      const answers = await chat.click(menu!, 'd20')
      expect(answers.map((reply) => reply.text)).toEqual(['alice rolled a d20'])
      expect(chat.lastReply()).toBe('alice rolled a d20')
      expect(answers[0]!.body.event_id).toMatch(/^itx-/)
    },
  )

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
