import { describe, expect, it } from 'vitest'
import { chatOf, replyTargetOf, sceneOf, SCENES, senderOf, textOf, type DispatchedEvent } from '@qqbot/core'
import type { BuiltEvent } from '@qqbot/fake-platform'
import { SCENE_LABELS, conversationFor, conversationIdOfSent, interactionEvent, messageEvent } from './scenes.js'
import type { SandboxUser } from './users.js'

const alice: SandboxUser = {
  name: 'alice',
  guildUserId: '2000000000000000002',
  memberOpenid: 'MEMBER_OPENID_alice',
  userOpenid: 'USER_OPENID_alice',
}

const dispatched = ({ t, d, id }: BuiltEvent): DispatchedEvent => ({
  name: t,
  id,
  data: d,
  seq: 1,
  source: 'sandbox',
  shard: undefined,
  receivedAt: Date.now(),
  deliveryId: undefined,
  attempt: 1,
})

describe('sandbox scenes', () => {
  it.each(SCENES)(
    'GIVEN alice types in the %s scene THEN the event is the labelled one, of that scene, and its replies land in her chat',
    (scene) => {
      const event = dispatched(messageEvent(scene, alice, '/roll 20', '1000000000000000001'))
      expect(event.name).toBe(SCENE_LABELS[scene].event)
      expect([sceneOf(event), textOf(event)]).toEqual([scene, '/roll 20'])
      expect(senderOf(event)).toBe(
        scene === 'group' ? alice.memberOpenid : scene === 'c2c' ? alice.userOpenid : alice.guildUserId,
      )
      const target = replyTargetOf(event)!
      expect(target.targetId).toBe(chatOf(event))
      expect(conversationIdOfSent(target.scene, target.targetId)).toBe(conversationFor(scene, alice).id)
    },
  )

  it.each(SCENES)(
    'GIVEN alice clicks a button in her %s chat THEN the reply to the click lands in that chat',
    (scene) => {
      const conversation = conversationFor(scene, alice)
      const event = dispatched(interactionEvent(conversation, alice, { id: '1', data: 'vote:yes' }, 'MSG_1'))
      expect(textOf(event)).toBe('vote:yes')
      const target = replyTargetOf(event)!
      expect(conversationIdOfSent(target.scene, target.targetId)).toBe(conversation.id)
    },
  )
})
