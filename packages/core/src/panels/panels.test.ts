import { describe, expect, it, vi } from 'vitest'
import type { Logger } from 'pino'
import { useClientOnPlatform } from '../test-client.js'
import { checkPanel, panelErrorCode, panelNameColumns, PanelInvalidError } from './panel-rules.js'
import { syncPanel } from './panel-sync.js'
import type { PanelItem } from './panel-types.js'

const start = useClientOnPlatform()

const ROLL: PanelItem = { name: '/roll', desc: 'Roll a die', type: 'command' }
const HELP: PanelItem = { name: '/help', desc: 'All commands', type: 'command' }

describe('panel rules', () => {
  it('counts a CJK character as two columns', () => {
    expect(panelNameColumns('/roll')).toBe(5)
    expect(panelNameColumns('/掷骰子')).toBe(7)
  })

  it.each([
    [
      'a name wider than 14 columns',
      { items: [{ ...ROLL, name: '/掷骰子掷骰子掷骰' }] },
      /takes at most 14 columns.*it takes 17/,
    ],
    [
      'a description over 30 characters',
      { items: [{ ...ROLL, desc: 'x'.repeat(31) }] },
      /at most 30 characters; it has 31/,
    ],
    ['21 items', { items: Array.from({ length: 21 }, () => ROLL) }, /at most 20 items; this one has 21/],
    ['a link item without its link', { items: [{ ...ROLL, type: 'link' as const }] }, /needs its link/],
    [
      'an unknown type',
      { items: [{ ...ROLL, type: 'button' as unknown as 'link' }] },
      /type must be 'command' or 'link'/,
    ],
  ])('GIVEN %s THEN it is refused before any request, naming the item', (_what, panel, message) => {
    expect(() => checkPanel(panel)).toThrow(PanelInvalidError)
    expect(() => checkPanel(panel)).toThrow(message)
  })
})

describe('syncPanel against the fake platform', () => {
  it('GIVEN no panel THEN it creates one; run again THEN it writes nothing; items change THEN it updates the same panel with a higher version', async () => {
    const { client, platform } = await start()
    const panels = client.api.panels

    const first = await syncPanel(panels, { scope: 'group', remark: 'qqbot:commands', items: [ROLL] })
    expect(first.action).toBe('created')
    const again = await syncPanel(panels, { scope: 'group', remark: 'qqbot:commands', items: [ROLL] })
    expect(again).toEqual({ action: 'unchanged', panelId: first.panelId })
    expect(platform.panels.writes).toHaveLength(1)

    const changed = await syncPanel(panels, { scope: 'group', remark: 'qqbot:commands', items: [ROLL, HELP] })
    expect(changed).toMatchObject({ action: 'updated', panelId: first.panelId, version: 2 })
    expect(platform.panels.list('group')).toHaveLength(1)
    expect(platform.panels.get(first.panelId)?.panel.items).toEqual([ROLL, HELP])
    expect(platform.panels.writes.map((write) => write.action)).toEqual(['create', 'update'])
  })

  it('GIVEN panels of other scopes and remarks THEN it touches only its own scope and remark', async () => {
    const { client, platform } = await start()
    const other = await client.api.panels.create({ scope: 'group', panel: { items: [HELP], remark: 'someone else' } })
    await syncPanel(client.api.panels, { scope: 'c2c', remark: 'qqbot:commands', items: [ROLL] })
    await syncPanel(client.api.panels, { scope: 'group', remark: 'qqbot:commands', items: [ROLL] })
    expect(platform.panels.list('c2c')).toHaveLength(1)
    expect(platform.panels.list('group')).toHaveLength(2)
    expect(platform.panels.get(other.panel_id)?.panel.items).toEqual([HELP])
  })

  it('GIVEN two panels with its remark THEN it updates the first, creates none and warns once', async () => {
    const { client, platform } = await start()
    const a = await client.api.panels.create({ scope: 'dm', panel: { items: [HELP], remark: 'mine' } })
    await client.api.panels.create({ scope: 'dm', panel: { items: [HELP], remark: 'mine' } })
    const logger = { warn: vi.fn() }
    const outcome = await syncPanel(
      client.api.panels,
      { scope: 'dm', remark: 'mine', items: [ROLL] },
      logger as unknown as Logger,
    )
    expect(outcome).toMatchObject({ action: 'updated', panelId: a.panel_id })
    expect(platform.panels.list('dm')).toHaveLength(2)
    expect(logger.warn).toHaveBeenCalledTimes(1)
  })

  it('GIVEN more panels than one page THEN listAll reads every page', async () => {
    const { client } = await start()
    for (let i = 0; i < 3; i++) await client.api.panels.create({ scope: 'c2c', panel: { items: [], remark: `p${i}` } })
    const page = await client.api.panels.list('c2c', { limit: 2 })
    expect(page).toMatchObject({ is_end: false, next_cursor: '2' })
    expect(await client.api.panels.listAll('c2c')).toHaveLength(3)
  })
})

describe('panel error codes: both readings', () => {
  it.each(['prefixed', 'short'] as const)(
    'GIVEN the platform writes panel codes %s THEN panelErrorCode reads 30021 for targets added to a global panel',
    async (panelErrorCodes) => {
      const { client } = await start({ platform: { panelErrorCodes } })
      const { panel_id: panelId } = await client.api.panels.create({ scope: 'group', panel: { items: [ROLL] } })
      const error = await client.api.panels.setTargets(panelId, { op: 'add', group_openids: ['g1'] }).catch((e) => e)
      expect(panelErrorCode(error)).toBe(30021)
      expect(String(error)).toContain("target_type 'all'")
    },
  )

  it('GIVEN a channel panel for specific targets THEN it is refused before any request', async () => {
    const { client, platform } = await start()
    await expect(
      client.api.panels.create({ scope: 'channel', target_type: 'specific', panel: { items: [ROLL] } }),
    ).rejects.toThrow(/channel panel is shown to everyone/)
    expect(platform.panels.size).toBe(0)
  })
})
