import { describe, expect, it } from 'vitest'
import { streamFieldBody } from './stream-wire.js'

describe('the older stream-field wire form', () => {
  const to = { openid: 'U1', msgId: 'M1', msgSeq: 3 }

  it('GIVEN a first frame THEN a text message with stream {state 1, index} and no id', () => {
    expect(streamFieldBody(to, { text: 'He', index: 1, final: false, streamMsgId: undefined })).toEqual({
      msg_type: 0,
      content: 'He',
      msg_id: 'M1',
      msg_seq: 3,
      stream: { state: 1, index: 1 },
    })
  })

  it('GIVEN a later, final frame THEN stream {state 10, index, id of the first answer}', () => {
    expect(streamFieldBody(to, { text: 'Hello', index: 2, final: true, streamMsgId: 'S1' })).toMatchObject({
      content: 'Hello',
      msg_seq: 3,
      stream: { state: 10, index: 2, id: 'S1' },
    })
  })
})
