/**
 * The sandbox page in a real browser: Debian's chromium driven by playwright-core. Chromium must be installed
 * (`apt-get install -y chromium`); without it this file fails, it never skips.
 */
import { existsSync } from 'node:fs'
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

/** Always rolls 4 (or the number of sides, if smaller). */
class FixedRandom extends RandomService {
  override int(min: number, max: number): number {
    return Math.min(max, min + 3)
  }
}

const clicks: { data: string | undefined; member: string | undefined }[] = []

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
})
