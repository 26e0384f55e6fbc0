import { afterEach, describe, expect, it } from 'vitest'
import {
  clickButton,
  groupAtMessage,
  interaction,
  startFakePlatform,
  type FakePlatform,
  type SentMessage,
} from './index.js'

let platform: FakePlatform | undefined
afterEach(async () => {
  await platform?.close()
  platform = undefined
})

async function start(now?: () => number) {
  platform = await startFakePlatform(now ? { now } : {})
  const p = platform
  const token = p.issueToken().access_token
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${p.url}${path}`, {
      method,
      headers: { Authorization: `QQBot ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as { code?: number; message?: string }) : undefined }
  }
  return { p, api }
}

const BUTTON = (type: number, data: string, label = `b-${data}`) => ({
  id: data,
  render_data: { label, visited_label: label, style: 1 },
  action: { type, permission: { type: 2 }, data, unsupport_tips: 'x' },
})

function message(scene: SentMessage['scene'], target: string, buttons: unknown[]): SentMessage {
  return {
    scene,
    target,
    id: 'ROBOT1.0_m1',
    body: { msg_type: 2, markdown: { content: 'x' }, keyboard: { content: { rows: [{ buttons }] } } },
  }
}

describe('interaction acknowledgements', () => {
  it('GIVEN a delivered interaction THEN one ack with a code 0..5 is accepted (204); unknown ids, a second ack and bad codes are refused', async () => {
    const { p, api } = await start()
    p.dispatchEvent(interaction({ scene: 'group', buttonData: 'x', id: 'itx-1' }))
    expect(await api('PUT', '/interactions/itx-nope', { code: 0 })).toMatchObject({
      status: 404,
      body: { message: 'interaction itx-nope not found' },
    })
    expect(await api('PUT', '/interactions/itx-1', { code: 9 })).toMatchObject({
      status: 400,
      body: { code: 40011000 },
    })
    expect(await api('PUT', '/interactions/itx-1', {})).toMatchObject({ status: 400 })
    expect(await api('PUT', '/interactions/itx-1', { code: 4 })).toEqual({ status: 204, body: undefined })
    expect(await api('PUT', '/interactions/itx-1', { code: 0 })).toMatchObject({
      status: 409,
      body: { message: expect.stringMatching(/already acknowledged/) },
    })
    expect(p.interactions.acks).toEqual([{ id: 'itx-1', code: 4, afterMs: expect.any(Number) }])
  })

  it('GIVEN an ack more than 5 s after the interaction (platform clock) THEN it is refused as expired', async () => {
    let now = 1_000_000
    const { p, api } = await start(() => now)
    p.dispatchEvent(interaction({ scene: 'c2c', buttonData: 'x', id: 'itx-late' }))
    p.dispatchEvent(interaction({ scene: 'c2c', buttonData: 'x', id: 'itx-edge' }))
    now += 5_000
    expect((await api('PUT', '/interactions/itx-edge', { code: 0 })).status).toBe(204)
    now += 1
    expect(await api('PUT', '/interactions/itx-late', { code: 0 })).toMatchObject({
      status: 410,
      body: { message: expect.stringMatching(/within 5 s/) },
    })
  })
})

describe('clickButton', () => {
  it('GIVEN a sent keyboard in a group, C2C chat or channel THEN the click carries the scene ids, button data and id, and message id', () => {
    const group = clickButton(message('group', 'g1', [BUTTON(1, 'roll:20', 'Roll')]), 'Roll', { by: 'm7', id: 'i1' })
    expect(group).toMatchObject({
      t: 'INTERACTION_CREATE',
      id: 'i1',
      d: {
        chat_type: 1,
        group_openid: 'g1',
        group_member_openid: 'm7',
        data: { type: 11, resolved: { button_data: 'roll:20', button_id: 'roll:20', message_id: 'ROBOT1.0_m1' } },
      },
    })
    expect(clickButton(message('c2c', 'u1', [BUTTON(1, 'a')]), { data: 'a' }).d).toMatchObject({
      chat_type: 2,
      user_openid: 'u1',
    })
    expect(clickButton(message('guild', 'channel-2', [BUTTON(1, 'a')]), { id: 'a' }, { by: 'g-user' }).d).toMatchObject(
      {
        chat_type: 0,
        channel_id: 'channel-2',
        data: { resolved: { user_id: 'g-user' } },
      },
    )
  })

  it('GIVEN a link button, a missing button, a DM or another C2C user THEN the click is refused with the reason', () => {
    const sent = message('group', 'g1', [BUTTON(0, 'https://example.com', 'Docs'), BUTTON(1, 'a', 'A')])
    expect(() => clickButton(sent, 'Docs')).toThrow(/"Docs" is a link button: clicking it sends no interaction/)
    expect(() => clickButton(sent, 'Nope')).toThrow(/no button .*its buttons: "Docs", "A"/)
    expect(() => clickButton(message('dm', 'd', [BUTTON(1, 'a')]), { data: 'a' })).toThrow(/guild DMs/)
    expect(() => clickButton(message('c2c', 'u1', [BUTTON(1, 'a')]), { data: 'a' }, { by: 'u2' })).toThrow(
      /only the chat's user/,
    )
  })
})

describe('markdown and keyboard rules', () => {
  it('GIVEN a scene switched to refuse THEN markdown and keyboards are refused there with the platform codes, text still goes, other scenes are untouched', async () => {
    const { p, api } = await start()
    const group = (body: Record<string, unknown>) => {
      const msg = groupAtMessage({ content: 'hi', groupOpenid: 'g1' })
      p.dispatchEvent(msg)
      return api('POST', '/v2/groups/g1/messages', { msg_id: (msg.d as { id: string }).id, msg_seq: 1, ...body })
    }
    const keys = { content: { rows: [{ buttons: [BUTTON(1, 'a')] }] } }
    p.markdown.refuse('group')
    expect((await group({ msg_type: 2, markdown: { content: '**x**' } })).body?.code).toBe(40034012)
    expect((await group({ msg_type: 2, markdown: { custom_template_id: 't', params: [] } })).body?.code).toBe(304036)
    p.markdown.refuse('group', { only: 'keyboard' })
    expect((await group({ msg_type: 2, markdown: { content: 'ok' } })).status).toBe(200)
    expect((await group({ msg_type: 2, markdown: { content: 'x' }, keyboard: keys })).body?.code).toBe(304057)
    expect((await group({ msg_type: 2, markdown: { content: 'x' }, keyboard: { id: 'tpl' } })).body?.code).toBe(304037)
    p.markdown.refuse('group', { code: 304041 })
    expect((await group({ msg_type: 2, markdown: { content: 'x' } })).body?.code).toBe(304041)
    expect((await group({ msg_type: 0, content: 'plain' })).status).toBe(200)
    expect(
      (await api('POST', '/channels/channel-1/messages', { markdown: { content: 'x' }, keyboard: keys })).status,
    ).toBe(200)
    p.markdown.allow('group')
    expect((await group({ msg_type: 2, markdown: { content: 'x' }, keyboard: keys })).status).toBe(200)
  })

  it('GIVEN a keyboard with 6 rows, 6 buttons, a dropped type 0 or both markdown forms THEN it is refused in every scene (304040, 50057)', async () => {
    const { api } = await start()
    const send = (body: Record<string, unknown>) =>
      api('POST', '/channels/channel-1/messages', { markdown: { content: 'x' }, ...body })
    const rows = (count: number, width = 1) => ({
      content: {
        rows: Array.from({ length: count }, () => ({ buttons: Array.from({ length: width }, () => BUTTON(1, 'a')) })),
      },
    })
    expect((await send({ keyboard: rows(5, 5) })).status).toBe(200)
    expect(await send({ keyboard: rows(6) })).toMatchObject({
      status: 400,
      body: { code: 304040, message: expect.stringMatching(/6 rows; at most 5/) },
    })
    expect((await send({ keyboard: rows(1, 6) })).body?.message).toMatch(/row 1 has 6 buttons/)
    const linkWithoutType = { ...BUTTON(0, 'https://x'), action: { permission: { type: 2 }, data: 'https://x' } }
    expect((await send({ keyboard: { content: { rows: [{ buttons: [linkWithoutType] }] } } })).body?.message).toMatch(
      /row 1 button 1: action.type is missing/,
    )
    expect(
      (await api('POST', '/channels/channel-1/messages', { markdown: { content: 'x', custom_template_id: 't' } })).body
        ?.code,
    ).toBe(50057)
  })
})
