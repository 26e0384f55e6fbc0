/**
 * The sandbox page in a real browser: Debian's chromium driven by playwright-core. Chromium must be installed
 * (`apt-get install -y chromium`); without it this file fails, it never skips.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { z } from 'zod'
import { Command, Controller, createBot, OnEvent, Rest, type Bot, type EventContext } from '@qqbot/framework'
import { dice, RandomService } from '@qqbot/example-dice'
import { startSandbox, type Sandbox } from '@qqbot/sandbox'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const XSS = '<img src=x onerror="window.__xss=1">'
/** Screenshots of the page at each width, kept for a person to look at (gitignored). */
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url))

/** Always rolls 4 (or the number of sides, if smaller). */
class FixedRandom extends RandomService {
  override int(min: number, max: number): number {
    return Math.min(max, min + 3)
  }
}

const clicks: { data: string | undefined; member: string | undefined }[] = []

/** A model's answer the test hands out piece by piece, so the page can be seen between frames. */
class ChunkFeed implements AsyncIterable<string> {
  private readonly queue: (string | null)[] = []
  private wake: (() => void) | undefined

  push(chunk: string | null): void {
    this.queue.push(chunk)
    this.wake?.()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    for (;;) {
      while (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve))
      const chunk = this.queue.shift()!
      if (chunk === null) return
      yield chunk
    }
  }
}

const feed = new ChunkFeed()

@Controller({ scenes: ['group', 'guild', 'c2c', 'dm'] })
class Playground {
  @Command('echo')
  echo(@Rest('text', z.string()) text: string) {
    return text
  }

  @Command('menu')
  menu() {
    return {
      markdown: { content: `**Pick** a colour ${XSS}` },
      keyboard: {
        content: {
          rows: [
            {
              buttons: [
                {
                  id: 'blue',
                  render_data: { label: 'Blue', style: 1 },
                  action: { type: 1, data: 'colour:blue', permission: { type: 2 } },
                },
              ],
            },
          ],
        },
      },
    }
  }

  /** Streams the feed: in C2C, one message that grows. */
  @Command('tell')
  tell() {
    return feed
  }

  @OnEvent('INTERACTION_CREATE')
  async picked(ctx: EventContext<'INTERACTION_CREATE'>) {
    const data = ctx.data.data?.resolved?.button_data
    clicks.push({ data, member: ctx.data.group_member_openid })
    await ctx.client.api.ackInteraction(ctx.data.id)
    await ctx.reply(`You picked ${data?.replace('colour:', '')}`)
  }
}

let sandbox: Sandbox | undefined
let bot: Bot | undefined
let browser: Browser | undefined
let page: Page

const chromiumMissing = existsSync(CHROMIUM)
  ? undefined
  : new Error(
      `Chromium is missing at ${CHROMIUM}: the sandbox browser test drives it with playwright-core. ` +
        'Install it with `apt-get install -y chromium` (run `apt-get update` first if that fails), then rerun the test.',
    )

// Every test fails with the install hint (a failing beforeAll would only mark them skipped).
beforeEach(() => {
  if (chromiumMissing) throw chromiumMissing
})

beforeAll(async () => {
  if (chromiumMissing) return
  sandbox = await startSandbox({ port: 0 })
  bot = createBot({
    ...sandbox.connection,
    controllers: [Playground],
    plugins: [dice],
    providers: [{ token: RandomService, useClass: FixedRandom }],
    logLevel: 'silent',
    locale: 'en',
    gateway: { identifyIntervalMs: 0 },
  })
  await bot.start()
  sandbox.watch(bot.client)
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  page = await browser.newPage()
  // Shorter than the test timeout, so a missing element fails with Playwright's description of what it waited for.
  page.setDefaultTimeout(10_000)
  await page.goto(sandbox.url)
  await page.getByTestId('connection-status').filter({ hasText: 'connected' }).waitFor()
})

afterAll(async () => {
  await browser?.close()
  await bot?.stop()
  await sandbox?.close()
})

async function sendAs(scene: string, user: string, text: string): Promise<void> {
  await page.getByTestId('scene-select').selectOption(scene)
  await page.getByTestId('user-select').selectOption(user)
  await page.getByTestId('message-input').fill(text)
  await page.getByTestId('message-input').press('Enter')
}

const messages = () => page.getByTestId('messages')
const entryTexts = () => messages().locator('li').allTextContents()

describe('the sandbox page in chromium', () => {
  it('GIVEN the group scene WHEN alice types /roll 20 THEN her message and the dice reply appear in order', async () => {
    await sendAs('group', 'alice', '/roll 20')
    await messages().getByTestId('entry-bot').filter({ hasText: '🎲 4 (1 rolled so far)' }).waitFor()
    expect(await page.getByTestId('conversation-title').textContent()).toBe('Group chat')
    expect(await entryTexts()).toEqual(['alice/roll 20', 'fake-bot🎲 4 (1 rolled so far)'])
    expect(await page.getByTestId('message-input').inputValue()).toBe('')
  })

  it('GIVEN C2C THEN it is a separate conversation, and switching back shows the group one unchanged', async () => {
    await sendAs('c2c', 'alice', '/pick tea, coffee')
    await messages().getByTestId('entry-bot').filter({ hasText: '👉' }).waitFor()
    expect(await page.getByTestId('conversation-title').textContent()).toBe('C2C with alice')
    expect(await entryTexts()).toEqual(['alice/pick tea, coffee', 'fake-bot👉 coffee'])

    await page.getByTestId('scene-select').selectOption('group')
    expect(await entryTexts()).toEqual(['alice/roll 20', 'fake-bot🎲 4 (1 rolled so far)'])
    expect(await page.getByTestId('conversation-item').allTextContents()).toEqual(['Group chat', 'C2C with alice'])
  })

  it('GIVEN a reply with a keyboard WHEN bob clicks its button THEN the bot gets the interaction and its answer appears', async () => {
    await sendAs('group', 'bob', '/menu')
    const menu = messages()
      .getByTestId('entry-bot')
      .filter({ has: page.getByTestId('keyboard') })
    await menu.waitFor()
    expect(await menu.getByTestId('reply-markdown').locator('strong').textContent()).toBe('Pick')

    await menu.getByTestId('keyboard-button').filter({ hasText: 'Blue' }).click()
    await messages().getByTestId('entry-bot').filter({ hasText: 'You picked blue' }).waitFor()
    expect(clicks).toEqual([{ data: 'colour:blue', member: 'MEMBER_OPENID_bob' }])
    await messages()
      .getByTestId('entry-notice')
      .filter({ hasText: 'The bot acknowledged the click (code 0)' })
      .waitFor()
    expect(await messages().getByTestId('entry-notice').first().textContent()).toBe('bob clicked “Blue”')
  })

  it('GIVEN HTML echoed back by the bot THEN it is shown as text, in plain and in markdown replies', async () => {
    await sendAs('group', 'alice', `/echo ${XSS}`)
    const echoed = messages().getByTestId('reply-text').filter({ hasText: 'onerror' })
    await echoed.waitFor()
    expect(await echoed.textContent()).toBe(XSS)
    expect(await messages().getByTestId('reply-markdown').textContent()).toBe(`Pick a colour ${XSS}`)
    expect(await messages().locator('img').count()).toBe(0)
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined()
  })

  it('GIVEN the panels THEN the traffic log shows gateway frames and REST calls, and the metrics show the watched client', async () => {
    await page.getByText('All metrics').click() // the full table sits under the charts, folded
    await page
      .getByTestId('log-entry')
      .filter({ hasText: 'POST /v2/groups/GROUP_OPENID_0001/messages → 200' })
      .first()
      .waitFor()
    await page.getByTestId('log-entry').filter({ hasText: 'platform → INTERACTION_CREATE' }).first().waitFor()
    await page.getByTestId('metric-row').filter({ hasText: 'replies_sent{scene="group"}' }).waitFor()
    // The panel refreshes every second: wait for the snapshot that counts all five events so far (roll, pick, menu, click, echo).
    const dispatched = page.getByTestId('metric-row').filter({ hasText: 'events_dispatched' }).locator('td').last()
    await expect.poll(async () => Number(await dispatched.textContent()), { timeout: 5_000 }).toBe(5)
  })

  it('GIVEN a new user and an empty message THEN the user can chat, and the empty message gets an error instead of being sent', async () => {
    await page.getByTestId('new-user-name').fill('carol')
    await page.getByTestId('add-user-button').click()
    await page
      .getByTestId('user-select')
      .filter({ has: page.locator('option[value="carol"]') })
      .waitFor()
    expect(await page.getByTestId('user-select').inputValue()).toBe('carol')
    await sendAs('dm', 'carol', '/roll 6')
    await messages().getByTestId('entry-bot').filter({ hasText: '🎲 4' }).waitFor()
    expect(await page.getByTestId('conversation-title').textContent()).toBe('Guild DM with carol')

    await page.getByTestId('message-input').fill('   ')
    await page.getByTestId('send-button').click()
    expect(await page.getByTestId('error').textContent()).toContain('the message is empty')
    expect(await entryTexts()).toEqual(['carol/roll 6', 'fake-bot🎲 4 (1 rolled so far)'])
  })

  describe.each([
    { name: 'desktop', width: 1280, height: 800, scene: 'c2c' },
    { name: 'phone', width: 390, height: 844, scene: 'dm' },
  ])('at $width px ($name)', ({ width, height, scene }) => {
    it('GIVEN a conversation THEN the chat is usable: wide enough, no sideways scroll, the input on screen, no console errors', async () => {
      const errors: string[] = []
      const tab = await browser!.newPage({ viewport: { width, height } })
      tab.setDefaultTimeout(10_000)
      tab.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text())
      })
      tab.on('pageerror', (error) => errors.push(error.message))
      tab.on('requestfailed', (request) => errors.push(`${request.url()}: ${request.failure()?.errorText}`))
      try {
        await tab.goto(sandbox!.url)
        await tab.getByTestId('connection-status').filter({ hasText: 'connected' }).waitFor()
        await tab.getByTestId('scene-select').selectOption(scene)
        await tab.getByTestId('user-select').selectOption('bob')
        for (const text of ['/roll 20', '/menu']) {
          await tab.getByTestId('message-input').fill(text)
          await tab.getByTestId('message-input').press('Enter')
        }
        const chat = tab.getByTestId('messages')
        await chat.getByTestId('keyboard').waitFor()
        await chat.getByTestId('entry-bot').filter({ hasText: '🎲 4' }).waitFor()

        const boxOf = async (testid: string) => (await tab.getByTestId(testid).boundingBox())!
        const chatBox = await boxOf('messages')
        const input = await boxOf('message-input')
        expect(chatBox.width).toBeGreaterThanOrEqual(300)
        expect(await tab.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width)
        expect(input.y).toBeGreaterThanOrEqual(0)
        expect(input.y + input.height).toBeLessThanOrEqual(height)
        expect(input.width).toBeGreaterThanOrEqual(150)
        // bubbles are as wide as their text: the short /roll 20 is far narrower than the chat
        const bubbles = chat.locator('[data-testid="entry-user"], [data-testid="entry-bot"]')
        expect((await bubbles.first().boundingBox())!.width).toBeLessThan(chatBox.width / 2)
        expect([
          await bubbles.nth(0).getAttribute('data-initials'),
          await bubbles.nth(1).getAttribute('data-initials'),
        ]).toEqual(['B', 'FB'])
        for (const time of await bubbles.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-time'))))
          expect(time).toMatch(/\d/)
        expect(await tab.getByTestId('bot-name').textContent()).toBe('chatting with fake-bot')

        mkdirSync(ARTIFACTS, { recursive: true })
        await tab.screenshot({ path: `${ARTIFACTS}sandbox-${width}.png`, fullPage: true })
        expect(errors).toEqual([])
      } finally {
        await tab.close()
      }
    })
  })

  it('GIVEN a command the bot does not know THEN the page hints at /help after a while without an answer', async () => {
    await sendAs('group', 'alice', '/nosuchthing')
    const hint = messages().getByTestId('unknown-command-hint')
    await hint.waitFor()
    expect(await hint.textContent()).toContain('No answer to /nosuchthing yet')
  })

  it('GIVEN the traffic panel THEN heartbeats are hidden, a filter narrows the lines, a line opens to its JSON and replies show their latency', async () => {
    await sendAs('group', 'alice', '/roll 6')
    const reply = page
      .getByTestId('log-entry')
      .filter({ hasText: 'POST /v2/groups/GROUP_OPENID_0001/messages → 200' })
      .last()
    await reply.waitFor()
    expect(await reply.getByTestId('log-latency').textContent()).toMatch(/^\d+ ms$/)
    await reply.locator('summary').click()
    const detail = JSON.parse((await reply.getByTestId('log-detail').textContent())!) as { body: { msg_id: string } }
    expect(detail).toMatchObject({ request: 'POST /v2/groups/GROUP_OPENID_0001/messages', status: 200 })
    expect(detail.body.msg_id).toMatch(/\S/)

    const visible = () => page.getByTestId('log-entry').locator('visible=true').allTextContents()
    await page.getByTestId('log-filter').fill('INTERACTION_CREATE')
    const lines = await visible()
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.every((line) => line.includes('INTERACTION_CREATE'))).toBe(true)
    await page.getByTestId('log-filter').fill('')
    const heartbeatsShown = () => page.locator('[data-heartbeat]:not([hidden])').count()
    expect(await heartbeatsShown()).toBe(0)
    await page.getByTestId('hide-heartbeats').uncheck()
    expect(await heartbeatsShown()).toBe(await page.locator('[data-heartbeat]').count())
    await page.getByTestId('hide-heartbeats').check()
  })

  it('GIVEN the metrics panel THEN it draws live charts of events/s, reply latency and queue depth', async () => {
    await expect
      .poll(async () => page.getByTestId('chart-latency').getByTestId('chart-value').textContent(), { timeout: 5_000 })
      .toMatch(/^p50 \d+ ms · p99 \d+ ms$/)
    for (const chart of ['chart-events', 'chart-latency', 'chart-queue'])
      expect(await page.getByTestId(chart).locator('polyline').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('chart-queue').getByTestId('chart-value').textContent()).toMatch(/^\d+$/)
  })

  it('GIVEN a streamed C2C answer THEN it grows in one bubble, marked as streaming until its last frame', async () => {
    await sendAs('c2c', 'alice', '/tell')
    const streaming = messages().locator('[data-testid="entry-bot"][data-streaming="true"]')
    feed.push('Hel')
    await streaming.filter({ hasText: 'Hel' }).waitFor()
    const messageId = await streaming.getAttribute('data-message-id')
    const bubble = messages().locator(`[data-testid="entry-bot"][data-message-id="${messageId}"]`)

    feed.push('lo')
    await bubble
      .getByTestId('reply-markdown')
      .filter({ hasText: /^Hello$/ })
      .waitFor()
    feed.push(', world')
    feed.push(null)
    await bubble.and(page.locator(':not([data-streaming])')).filter({ hasText: 'Hello, world' }).waitFor()

    expect(await messages().getByTestId('entry-bot').filter({ hasText: 'Hel' }).count()).toBe(1)
    expect(await bubble.getByTestId('reply-markdown').textContent()).toBe('Hello, world')
  })
})
