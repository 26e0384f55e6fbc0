import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createClient, type QQBotClient, type StreamWireForm } from '@qqbot/core'
import { startSandbox, SandboxInputError, type Sandbox } from './sandbox.js'
import { SandboxPortInUseError, SandboxPortInvalidError } from './sandbox-errors.js'
import { resolvePort } from './sandbox-options.js'

let sandbox: Sandbox | undefined
let client: QQBotClient | undefined
const pages: WebSocket[] = []
afterEach(async () => {
  for (const page of pages.splice(0)) page.terminate()
  await client?.stop()
  await sandbox?.close()
  client = sandbox = undefined
})

const MENU = {
  markdown: { content: '**Menu** <b>not bold</b>' },
  keyboard: {
    content: {
      rows: [
        {
          buttons: [
            {
              id: 'b1',
              render_data: { label: 'Press', style: 1 },
              action: { type: 1, data: 'pressed-b1', permission: { type: 2 } },
            },
          ],
        },
      ],
    },
  },
}

/** A sandbox with a core bot: echoes group messages, answers C2C with a menu, and answers button clicks. */
async function sandboxWithBot(): Promise<Sandbox> {
  sandbox = await startSandbox({ port: 0 })
  const bot = createClient({ ...sandbox.connection, logLevel: 'silent', gateway: { identifyIntervalMs: 0 } })
  bot.on('GROUP_AT_MESSAGE_CREATE', (event) => bot.reply(event, `echo: ${event.data.content.trim()}`))
  bot.on('C2C_MESSAGE_CREATE', (event) => bot.reply(event, MENU))
  bot.on('INTERACTION_CREATE', async (event) => {
    await bot.api.ackInteraction(event.data.id)
    await bot.reply(event, `clicked ${event.data.data?.resolved?.button_data} by ${event.data.user_openid}`)
  })
  client = bot
  await bot.start()
  sandbox.watch(bot)
  return sandbox
}

interface Received {
  type: string
  [key: string]: unknown
}

/** A page's socket that keeps every message it receives and can wait for one. */
async function openPage(url: string, origin?: string) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}ws`, origin ? { origin } : {})
  pages.push(socket)
  const received: Received[] = []
  const waiters = new Set<() => void>()
  socket.on('message', (data) => {
    received.push(JSON.parse(String(data)) as Received)
    for (const wake of waiters) wake()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const next = (predicate: (message: Received) => boolean, timeoutMs = 5_000): Promise<Received> => {
    let cursor = 0
    return new Promise((resolve, reject) => {
      const check = () => {
        for (; cursor < received.length; cursor++) {
          if (predicate(received[cursor]!)) {
            waiters.delete(check)
            clearTimeout(timer)
            return resolve(received[cursor]!)
          }
        }
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(received.map((m) => m.type))}`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  }
  const send = (message: unknown) => socket.send(typeof message === 'string' ? message : JSON.stringify(message))
  return { socket, received, next, send }
}

const entryOf = (kind: string, conversation?: string) => (message: Received) => {
  const entry = message.entry as { kind?: string; conversation?: string } | undefined
  return (
    message.type === 'entry' &&
    entry?.kind === kind &&
    (conversation === undefined || entry.conversation === conversation)
  )
}

/** A sandbox whose bot streams its C2C answer in three steps and answers group messages with an uploaded file. */
async function sandboxWithStreamingBot(wire: StreamWireForm = 'stream_messages'): Promise<Sandbox> {
  sandbox = await startSandbox({ port: 0 })
  const bot = createClient({
    ...sandbox.connection,
    logLevel: 'silent',
    gateway: { identifyIntervalMs: 0 },
    streaming: { intervalMs: 300, typing: false, wire },
  })
  bot.on('C2C_MESSAGE_CREATE', async (event) => {
    const stream = bot.stream(event)
    for (const piece of ['Hel', 'lo, ', 'world']) {
      stream.append(piece)
      // Waits for the frame with this text to be accepted, so each step is its own frame.
      await untilShown(stream.text)
    }
    await stream.done()
  })
  bot.on('GROUP_AT_MESSAGE_CREATE', (event) =>
    bot.reply(event, { file: { data: Buffer.alloc(2048, 1), name: 'report.pdf' } }),
  )
  client = bot
  await bot.start()
  sandbox.watch(bot)
  return sandbox
}

/** Resolves once the fake platform accepted a stream frame carrying `text`. */
function untilShown(text: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => sandbox!.platform.streams.streams.some((s) => s.frames.some((f) => f.text === text))
    if (check()) return resolve()
    const off = sandbox!.platform.onRequest(() => {
      if (!check()) return
      off()
      resolve()
    })
  })
}

describe('the sandbox server', () => {
  it('GIVEN a connected page WHEN it sends a group message as bob THEN it sees the message, the bot reply, traffic and metrics', async () => {
    const { url } = await sandboxWithBot()
    const page = await openPage(url)
    const hello = await page.next((m) => m.type === 'hello')
    expect((hello.users as { name: string }[]).map((u) => u.name)).toEqual(['alice', 'bob'])
    expect((hello.scenes as { id: string }[]).map((s) => s.id)).toEqual(['guild', 'dm', 'group', 'c2c'])

    page.send({ type: 'send', scene: 'group', user: 'bob', text: '/roll 20' })
    const mine = await page.next(entryOf('user', 'group:GROUP_OPENID_0001'))
    expect(mine.entry).toMatchObject({ user: 'bob', text: '/roll 20', event: 'GROUP_AT_MESSAGE_CREATE' })
    const reply = await page.next(entryOf('bot', 'group:GROUP_OPENID_0001'))
    expect(reply.entry).toMatchObject({ view: { text: 'echo: /roll 20' } })
    expect((reply.entry as { seq: number }).seq).toBeGreaterThan((mine.entry as { seq: number }).seq)

    await page.next(
      (m) =>
        m.type === 'log' &&
        /POST \/v2\/groups\/GROUP_OPENID_0001\/messages → 200/.test((m.entry as { text: string }).text),
    )
    await page.next(
      (m) => m.type === 'log' && /platform → GROUP_AT_MESSAGE_CREATE s=\d+/.test((m.entry as { text: string }).text),
    )
    const metrics = await page.next((m) => m.type === 'metrics' && JSON.stringify(m.metrics).includes('replies_sent'))
    expect(
      (metrics.metrics as { snapshot: { counters: Record<string, Record<string, number>> } }[])[0]!.snapshot.counters
        .replies_sent,
    ).toEqual({ 'scene="group"': 1 })
    expect(sandbox!.transcript('group:GROUP_OPENID_0001').map((e) => e.kind)).toEqual(['user', 'bot'])
  })

  it('GIVEN a bot reply with a callback button WHEN the page clicks it THEN the bot gets the interaction in that chat and its answer and ack show there', async () => {
    const { url } = await sandboxWithBot()
    const page = await openPage(url)
    page.send({ type: 'send', scene: 'c2c', user: 'alice', text: 'menu please' })
    const menu = await page.next(entryOf('bot', 'c2c:USER_OPENID_alice'))
    const entry = menu.entry as {
      messageId: string
      view: { markdown: string; keyboard: { id: string; label: string; action: string }[][] }
    }
    expect(entry.view.markdown).toBe('**Menu** <b>not bold</b>')
    expect(entry.view.keyboard[0]![0]).toMatchObject({
      id: 'b1',
      label: 'Press',
      action: 'callback',
      data: 'pressed-b1',
    })

    page.send({
      type: 'click',
      conversation: 'c2c:USER_OPENID_alice',
      messageId: entry.messageId,
      buttonId: 'b1',
      user: 'bob',
    })
    const clicked = await page.next(entryOf('notice', 'c2c:USER_OPENID_alice'))
    expect(clicked.entry).toMatchObject({ text: 'alice clicked “Press”' })
    const answer = await page.next((m) => entryOf('bot', 'c2c:USER_OPENID_alice')(m) && m !== menu)
    expect(answer.entry).toMatchObject({ view: { text: 'clicked pressed-b1 by USER_OPENID_alice' } })
    await page.next(
      (m) => entryOf('notice')(m) && (m.entry as { text: string }).text === 'The bot acknowledged the click (code 0)',
    )
  })

  it('GIVEN a bot that acknowledges a click twice WHEN the page clicks THEN the platform refuses the second and the chat says so', async () => {
    sandbox = await startSandbox({ port: 0 })
    const bot = createClient({ ...sandbox.connection, logLevel: 'silent', gateway: { identifyIntervalMs: 0 } })
    bot.on('C2C_MESSAGE_CREATE', (event) => bot.reply(event, MENU))
    bot.on('INTERACTION_CREATE', async (event) => {
      await bot.api.ackInteraction(event.data.id)
      await bot.api.ackInteraction(event.data.id, 1).catch(() => undefined)
    })
    client = bot
    await bot.start()
    sandbox.watch(bot)
    const page = await openPage(sandbox.url)
    page.send({ type: 'send', scene: 'c2c', user: 'alice', text: 'menu please' })
    const menu = await page.next(entryOf('bot', 'c2c:USER_OPENID_alice'))
    const { messageId } = menu.entry as { messageId: string }
    page.send({ type: 'click', conversation: 'c2c:USER_OPENID_alice', messageId, buttonId: 'b1', user: 'alice' })
    const refused = await page.next(
      (m) => entryOf('notice')(m) && (m.entry as { text: string }).text.startsWith('The platform refused'),
    )
    expect((refused.entry as { text: string }).text).toMatch(/HTTP 409: interaction .* was already acknowledged/)
  })

  it('GIVEN bad input from a page THEN each gets a clear error and the server keeps working', async () => {
    const { url } = await sandboxWithBot()
    const page = await openPage(url)
    const cases: [unknown, string][] = [
      ['{not json', 'malformed-json'],
      ['[1,2]', 'invalid-message'],
      [{ type: 'dance' }, 'unknown-type'],
      [{ type: 'send', scene: 'moon', user: 'alice', text: 'hi' }, 'unknown-scene'],
      [{ type: 'send', scene: 'group', user: 'alice', text: '   ' }, 'empty-text'],
      [{ type: 'send', scene: 'group', user: 'alice', text: 'x'.repeat(4_001) }, 'text-too-long'],
      [{ type: 'send', scene: 'group', user: 'alice', text: 'x'.repeat(70_000) }, 'message-too-large'],
      [{ type: 'send', scene: 'group', user: 'mallory', text: 'hi' }, 'unknown-user'],
      [{ type: 'send', scene: 'group', user: 'alice', text: 42 }, 'invalid-message'],
      [
        { type: 'click', conversation: 'group:nowhere', messageId: 'm', buttonId: 'b', user: 'alice' },
        'unknown-conversation',
      ],
      [{ type: 'add-user', name: '<script>' }, 'invalid-user-name'],
      [{ type: 'add-user', name: 'alice' }, 'user-exists'],
    ]
    for (const [message, code] of cases) {
      const before = page.received.length
      page.send(message)
      const error = await page.next((m) => m.type === 'error' && page.received.indexOf(m) >= before)
      expect(error.code, JSON.stringify(message).slice(0, 80)).toBe(code)
      expect(String(error.message).length).toBeGreaterThan(10)
    }
    page.socket.send(Buffer.from([1, 2, 3]), { binary: true })
    expect(
      (await page.next((m) => m.type === 'error' && m.message === 'Send JSON text messages, not binary frames.')).code,
    ).toBe('invalid-message')

    page.send({ type: 'add-user', name: 'carol' })
    const users = await page.next((m) => m.type === 'users')
    expect(users.added).toBe('carol')
    page.send({ type: 'send', scene: 'group', user: 'carol', text: 'still there?' })
    expect((await page.next(entryOf('bot'))).entry).toMatchObject({ view: { text: 'echo: still there?' } })
  })

  it('GIVEN bad input from code THEN say() throws a typed error', async () => {
    const box = await sandboxWithBot()
    expect(() => box.say({ scene: 'group', user: 'nobody', text: 'hi' })).toThrow(SandboxInputError)
    expect(() => box.say({ scene: 'group', text: '' })).toThrow(/empty/)
  })

  it('GIVEN traffic with the token and the AppSecret THEN no log line the page gets contains either', async () => {
    const { url, platform } = await sandboxWithBot()
    const page = await openPage(url)
    page.send({ type: 'send', scene: 'group', user: 'alice', text: 'hello' })
    await page.next(entryOf('bot'))
    const hello = await openPage(url)
    const log = (await hello.next((m) => m.type === 'hello')).log as { text: string }[]
    expect(log.some((line) => line.text.startsWith('bot → op 2 Identify intents='))).toBe(true)
    expect(log.some((line) => line.text === 'POST /app/getAppAccessToken → 200')).toBe(true)
    const everything = JSON.stringify([...page.received, log])
    expect(everything).not.toContain(platform.secret)
    expect(everything).not.toContain(platform.currentToken!)
  })

  it('GIVEN HTTP requests THEN the page is served with a CSP, other paths and methods are refused, and foreign origins cannot open the socket', async () => {
    const { url } = await sandboxWithBot()
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await page.text()).toContain('data-testid="message-input"')
    expect((await fetch(`${url}app.js`)).headers.get('content-type')).toContain('javascript')
    expect((await fetch(`${url}../package.json`)).status).toBe(404)
    expect((await fetch(`${url}nothing`)).status).toBe(404)
    expect((await fetch(url, { method: 'POST', body: 'x' })).status).toBe(405)
    await expect(openPage(url, 'http://evil.example')).rejects.toThrow(/403/)
  })
})

describe('the sandbox port', () => {
  let blocker: Server | undefined
  afterEach(async () => {
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)))
    blocker = undefined
  })

  it('GIVEN the port is taken THEN startSandbox fails with a typed error naming the port and QQBOT_SANDBOX_PORT', async () => {
    blocker = createServer()
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    const failure = await startSandbox({ port }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SandboxPortInUseError)
    expect((failure as SandboxPortInUseError).code).toBe('SANDBOX_PORT_IN_USE')
    expect((failure as Error).message).toContain(`Port ${port} on 127.0.0.1 is already in use`)
    expect((failure as Error).message).toContain('QQBOT_SANDBOX_PORT=')
  })

  it('GIVEN no port option THEN QQBOT_SANDBOX_PORT or 3000 is used, and a bad value is refused', () => {
    expect(resolvePort(undefined, {})).toBe(3000)
    expect(resolvePort(undefined, { QQBOT_SANDBOX_PORT: '4123' })).toBe(4123)
    expect(resolvePort(0, { QQBOT_SANDBOX_PORT: '4123' })).toBe(0)
    expect(() => resolvePort(undefined, { QQBOT_SANDBOX_PORT: 'eighty' })).toThrow(SandboxPortInvalidError)
    expect(() => resolvePort(70_000)).toThrow(/whole number from 0 to 65535/)
  })

  it('GIVEN no host option THEN the page listens on 127.0.0.1 only', async () => {
    sandbox = await startSandbox({ port: 0 })
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
  })

  it.each([
    ['stream_messages', 'markdown'],
    ['stream-field', 'text'],
  ] as const)(
    'GIVEN a bot streaming a C2C answer over %s THEN the page gets one bot entry, then updates of it as it grows, the last one finished',
    async (wire, field) => {
      const { url } = await sandboxWithStreamingBot(wire)
      const page = await openPage(url)
      page.send({ type: 'send', scene: 'c2c', user: 'alice', text: 'tell me' })

      const first = await page.next(entryOf('bot', 'c2c:USER_OPENID_alice'))
      const finished = await page.next(
        (m) => m.type === 'entry-update' && !(m.entry as { view: { streaming?: true } }).view.streaming,
      )

      const messageId = (first.entry as { messageId: string }).messageId
      const updates = page.received.filter((m) => m.type === 'entry-update')
      expect(updates.every((m) => (m.entry as { messageId: string }).messageId === messageId)).toBe(true)
      const texts = [first, ...updates].map((m) => (m.entry as { view: Record<string, string> }).view[field])
      expect(texts).toEqual(expect.arrayContaining(['Hel', 'Hello, ', 'Hello, world']))
      expect((first.entry as { view: { streaming?: true } }).view.streaming).toBe(true)
      expect((finished.entry as { view: object }).view).toEqual({ [field]: 'Hello, world' })
      expect(page.received.filter(entryOf('bot'))).toHaveLength(1)
      expect(sandbox!.transcript('c2c:USER_OPENID_alice').map((e) => e.kind)).toEqual(['user', 'bot'])
    },
  )

  it('GIVEN a bot replying with a file THEN its entry names the kind, the file name and the size', async () => {
    const { url } = await sandboxWithStreamingBot()
    const page = await openPage(url)
    page.send({ type: 'send', scene: 'group', user: 'bob', text: 'the report?' })
    const reply = await page.next(entryOf('bot', 'group:GROUP_OPENID_0001'))
    expect((reply.entry as { view: { media: object } }).view.media).toEqual({
      kind: 'file',
      name: 'report.pdf',
      bytes: 2048,
    })
  })
})
