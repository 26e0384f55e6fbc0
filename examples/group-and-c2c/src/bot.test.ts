import { afterEach, describe, expect, it } from 'vitest'
import { createTestBot, type TestBot } from '@qqbot/testing'
import { CAT_BUTTON, CONTROLLERS, exampleProviders, voteButton, type KeyboardButton } from './bot.js'
import { ensureBuilt } from '../../../test/support/ensure-built.js'

const IMAGE = 'https://img.example/cat.png'

let bot: TestBot | undefined
afterEach(async () => {
  await bot?.stop()
  bot = undefined
})

async function start(): Promise<TestBot> {
  bot = await createTestBot({
    controllers: CONTROLLERS,
    providers: exampleProviders({ imageUrl: IMAGE }),
    locale: 'en',
  })
  return bot
}

/** The buttons of a sent message's keyboard, flattened. */
function buttonsOf(body: Record<string, unknown>): KeyboardButton[] {
  const keyboard = body.keyboard as { content: { rows: { buttons: KeyboardButton[] }[] } }
  return keyboard.content.rows.flatMap((row) => row.buttons)
}

/** A button click as the platform delivers it (group: group_openid + member; c2c: user_openid). */
function click(scene: 'group' | 'c2c', id: string, buttonData: string, who: string, group = 'g1') {
  const where =
    scene === 'group'
      ? { chat_type: 1, group_openid: group, group_member_openid: who }
      : { chat_type: 2, user_openid: who }
  return {
    id,
    type: 11,
    scene,
    ...where,
    timestamp: new Date().toISOString(),
    data: { type: 11, resolved: { button_data: buttonData, button_id: '1' } },
    version: 1,
  }
}

describe('the group-and-c2c example', () => {
  it.each([
    ['group', (b: TestBot) => b.user('alice').inGroup('g1'), 'g1'],
    ['c2c', (b: TestBot) => b.user('alice').inC2C(), 'alice'],
  ] as const)(
    'GIVEN /menu in %s THEN it replies with markdown (msg_type 2) carrying a keyboard whose callback button the bot handles',
    async (scene, chatOf, target) => {
      const test = await start()
      const [reply] = await chatOf(test).send('/menu')
      expect(reply).toMatchObject({
        scene,
        target,
        body: { msg_type: 2, markdown: { content: expect.stringContaining('/cat') } },
      })
      const buttons = buttonsOf(reply!.body)
      expect(buttons.find((button) => button.action.type === 1)?.action.data).toBe(CAT_BUTTON)
      expect(buttons.find((button) => button.action.type === 2)?.action).toMatchObject({ data: '/help', enter: true })
    },
  )

  it.each([
    ['group', (b: TestBot) => b.user('alice').inGroup('g1'), '/v2/groups/g1'],
    ['c2c', (b: TestBot) => b.user('alice').inC2C(), '/v2/users/alice'],
  ] as const)(
    'GIVEN /cat in %s THEN the image URL is uploaded first and the reply is msg_type 7 with the returned file_info',
    async (_scene, chatOf, base) => {
      const test = await start()
      const [reply] = await chatOf(test).send('/cat')
      const routes = test.api.calls.map((call) => `${call.method} ${call.path}`)
      expect(routes.indexOf(`POST ${base}/files`)).toBeGreaterThanOrEqual(0)
      expect(routes.indexOf(`POST ${base}/files`)).toBeLessThan(routes.indexOf(`POST ${base}/messages`))
      const upload = test.api.calls.find((call) => call.path === `${base}/files`)!
      expect(upload.body).toEqual({ file_type: 1, url: IMAGE, srv_send_msg: false })
      expect(reply!.body).toMatchObject({
        msg_type: 7,
        media: { file_info: expect.stringMatching(/^info-/) },
        content: '🐱',
      })
      expect(reply!.body).not.toHaveProperty('image')
    },
  )

  it.each(['group', 'c2c'] as const)(
    'GIVEN a click on the cat button in %s THEN the interaction is acknowledged (PUT, code 0) and answered with an uploaded image',
    async (scene) => {
      const test = await start()
      const replies = await test.emit('INTERACTION_CREATE', click(scene, 'itx-1', CAT_BUTTON, 'alice'))
      const ack = test.api.calls.find((call) => call.method === 'PUT')
      expect(ack).toMatchObject({
        path: '/interactions/itx-1',
        route: 'PUT /interactions/{interaction_id}',
        body: { code: 0 },
      })
      // Acknowledged first: the user's button stops spinning before the (slower) upload and reply.
      expect(test.api.calls.indexOf(ack!)).toBeLessThan(
        test.api.calls.findIndex((call) => call.path.endsWith('/messages')),
      )
      expect(replies).toHaveLength(1)
      expect(replies[0]).toMatchObject({
        scene,
        target: scene === 'group' ? 'g1' : 'alice',
        body: { event_id: 'itx-1', msg_type: 7 },
      })
      expect(test.api.calls.some((call) => call.path.endsWith('/files'))).toBe(true)
    },
  )

  it('GIVEN a poll in a group THEN each member votes once by button: counted votes are acked 0 and tallied, a second vote is acked 3 (duplicate) without a reply', async () => {
    const test = await start()
    const [pollMessage] = await test.user('alice').inGroup('g1').send('/poll Tea for lunch?')
    expect(pollMessage!.body).toMatchObject({
      msg_type: 2,
      markdown: { content: expect.stringContaining('Tea for lunch?') },
    })
    const [yes, no] = buttonsOf(pollMessage!.body).map((button) => button.action.data)
    expect([yes, no]).toEqual([voteButton('p1', 'yes'), voteButton('p1', 'no')])

    expect((await test.emit('INTERACTION_CREATE', click('group', 'v1', yes!, 'alice')))[0]?.text).toBe(
      '🗳️ Tea for lunch?: Yes 1 · No 0',
    )
    expect((await test.emit('INTERACTION_CREATE', click('group', 'v2', no!, 'bob')))[0]?.text).toBe(
      '🗳️ Tea for lunch?: Yes 1 · No 1',
    )
    expect(await test.emit('INTERACTION_CREATE', click('group', 'v3', no!, 'alice'))).toEqual([])
    expect(await test.emit('INTERACTION_CREATE', click('group', 'v4', 'vote:p99:yes', 'carol'))).toEqual([])
    expect(await test.emit('INTERACTION_CREATE', click('group', 'v5', 'something-else', 'carol'))).toEqual([])
    const acks = test.api.calls
      .filter((call) => call.method === 'PUT')
      .map((call) => [call.path, (call.body as { code: number }).code])
    expect(acks).toEqual([
      ['/interactions/v1', 0],
      ['/interactions/v2', 0],
      ['/interactions/v3', 3],
      ['/interactions/v4', 1],
      ['/interactions/v5', 1],
    ])
  })

  it('GIVEN /poll in a C2C chat THEN the bot says where it works: polls are a group-only controller', async () => {
    const test = await start()
    const replies = await test.user('alice').inC2C().send('/poll Tea?')
    expect(replies.map((reply) => reply.text)).toEqual(['/poll works only in group chats.'])
    expect(test.api.sent).toHaveLength(1)
  })

  it('GIVEN the C2C-only /note THEN it works in C2C (without a prefix too), in a group it only says where it works, and help lists it only in C2C', async () => {
    const test = await start()
    const group = test.user('alice').inGroup('g1')
    expect((await group.send('/note buy milk')).map((reply) => reply.text)).toEqual([
      '/note works only in one-to-one chats.',
    ])
    expect((await group.send('/notes')).map((reply) => reply.text)).toEqual(['/notes works only in one-to-one chats.'])
    await group.send('/help')
    expect(group.lastReply()).toContain('/poll')
    expect(group.lastReply()).not.toContain('/note')

    const c2c = test.user('alice').inC2C()
    expect((await c2c.send('/note buy milk'))[0]?.text).toBe('📒 Noted (1 so far). /notes lists them.')
    expect((await c2c.send('note call mum'))[0]?.text).toBe('📒 Noted (2 so far). /notes lists them.')
    expect((await c2c.send('/notes'))[0]?.text).toBe('1. buy milk\n2. call mum')
    expect((await test.user('bob').inC2C().send('/notes'))[0]?.text).toBe('📒 No notes yet: /note <text> adds one.')
    await c2c.send('/help')
    expect(c2c.lastReply()).toContain('/note')
    expect(c2c.lastReply()).not.toContain('/poll')
  })

  it('GIVEN the bot is added to a group or as a friend THEN it welcomes them with a passive reply to the event', async () => {
    const test = await start()
    const [group] = await test.emit('GROUP_ADD_ROBOT', {
      group_openid: 'g-new',
      op_member_openid: 'alice',
      timestamp: 1,
    })
    expect(group).toMatchObject({
      scene: 'group',
      target: 'g-new',
      body: { event_id: expect.stringMatching(/^GROUP_ADD_ROBOT:/), msg_type: 0 },
    })
    expect(group!.text).toContain('/menu')
    const [friend] = await test.emit('FRIEND_ADD', { openid: 'bob', timestamp: 1 })
    expect(friend).toMatchObject({
      scene: 'c2c',
      target: 'bob',
      body: { event_id: expect.stringMatching(/^FRIEND_ADD:/), msg_type: 0 },
    })
    expect(friend!.text).toContain('menu')
  })
})

describe('examples/group-and-c2c main', () => {
  it('GIVEN --once THEN it plays the scripted conversation in the local sandbox, prints every exchange and exits', async () => {
    const { execFileSync } = await import('node:child_process')
    const { fileURLToPath } = await import('node:url')
    const root = fileURLToPath(new URL('../../../', import.meta.url))
    ensureBuilt(['examples/group-and-c2c'])
    const output = execFileSync('node', ['examples/group-and-c2c/dist/main.js', '--once'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, QQBOT_APP_ID: '', QQBOT_APP_SECRET: '' },
    })
    const exchange = (label: string) =>
      output.slice(output.indexOf(label), output.indexOf('\n[', output.indexOf(label) + 1))
    expect(exchange('[group] alice: /menu')).toContain('bot: [markdown] **Group & C2C demo** [🐱 Cat] [📖 Help]')
    expect(exchange('[group] alice taps 🐱 Cat')).toMatch(
      /bot: \(interaction acknowledged, code 0\)\n {3}bot: \[image\] 🐱/,
    )
    expect(exchange('[group] alice taps 👍 Yes')).toContain('bot: 🗳️ Tea for lunch?: Yes 1 · No 0')
    expect(exchange('[group] alice: /note buy milk')).toContain('bot: /note works only in one-to-one chats.')
    expect(exchange('[c2c] alice: note buy milk')).toContain('bot: 📒 Noted (1 so far).')
    expect(exchange('[c2c] alice: /cat')).toContain('bot: [image] 🐱')
    expect(exchange('[group] the bot is added to another group')).toContain('bot: 👋 Hi everyone!')
    expect(output.slice(output.indexOf('[c2c] bob adds the bot as a friend'))).toContain(
      'bot: 👋 Thanks for adding me!',
    )
  })
})
