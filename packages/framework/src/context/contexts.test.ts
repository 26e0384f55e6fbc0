import { describe, expect, it } from 'vitest'
import { SCENES, sceneOf, type DispatchedEvent } from '@qqbot/core'
import { PromptRegistry } from '../conversation/prompt-registry.js'
import { COMMAND_EVENTS } from './contexts.js'

const event = (name: string, data: unknown): DispatchedEvent => ({
  name,
  id: `${name}:1`,
  data,
  seq: 1,
  source: 'test',
  shard: undefined,
  receivedAt: 0,
  deliveryId: undefined,
  attempt: 1,
})

describe('command events and conversations', () => {
  it("GIVEN each scene THEN the bot listens for commands on message events of that scene (the core's sceneOf)", () => {
    expect(Object.keys(COMMAND_EVENTS).sort()).toEqual([...SCENES].sort())
    for (const scene of SCENES) for (const name of COMMAND_EVENTS[scene]) expect(sceneOf(name), name).toBe(scene)
  })

  it("GIVEN a question in a chat THEN the same user's next message there answers it, and nothing else does", async () => {
    const prompts = new PromptRegistry()
    const group = (id: string, member: string, content: string, chat = 'G1') =>
      event('GROUP_AT_MESSAGE_CREATE', { id, content, group_openid: chat, author: { member_openid: member } })
    const answer = prompts.wait(group('m1', 'alice', '/order'), { timeoutMs: 60_000 })
    // Another user, another chat, and a button click by the same user: none of them is the answer.
    expect(prompts.offer(group('m2', 'bob', 'tea'))).toBe(false)
    expect(prompts.offer(group('m3', 'alice', 'tea', 'G2'))).toBe(false)
    const click = event('INTERACTION_CREATE', {
      id: 'i1',
      chat_type: 1,
      group_openid: 'G1',
      group_member_openid: 'alice',
      data: { resolved: { button_data: 'tea' } },
    })
    expect(prompts.offer(click)).toBe(false)
    expect(prompts.offer(group('m4', 'alice', ' coffee '))).toBe(true)
    expect((await answer).data).toMatchObject({ id: 'm4' })
    expect(prompts.size).toBe(0)
  })
})
