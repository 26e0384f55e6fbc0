import { describe, expect, it } from 'vitest'
import type { RecordedCall } from '@qqbot/fake-platform'
import { callDetail, frameDetail, isHeartbeat, redacted } from './traffic-detail.js'

const call = (init: Partial<RecordedCall>): RecordedCall => ({
  method: 'POST',
  path: '/app/getAppAccessToken',
  query: {},
  headers: { authorization: 'QQBot secret-token' },
  body: undefined,
  status: 200,
  at: 0,
  traceId: 't',
  injected: false,
  ...init,
})

describe('traffic details', () => {
  it('GIVEN an identify frame THEN its JSON keeps the intents and shard and hides the token', () => {
    const detail = frameDetail({
      direction: 'in',
      payload: { op: 2, d: { token: 'QQBot abc.123', intents: 513, shard: [0, 1] } },
    })
    expect(JSON.parse(detail)).toEqual({ op: 2, d: { token: '[redacted]', intents: 513, shard: [0, 1] } })
    expect(detail).not.toContain('abc.123')
  })

  it('GIVEN the token request and answer THEN neither the AppSecret nor the access token reach the page, nor any header', () => {
    const detail = callDetail(
      call({
        body: { appId: '1', clientSecret: 'the-secret' },
        response: { access_token: 'the-token', expires_in: '7200' },
      }),
    )
    expect(JSON.parse(detail)).toEqual({
      request: 'POST /app/getAppAccessToken',
      status: 200,
      body: { appId: '1', clientSecret: '[redacted]' },
      response: { access_token: '[redacted]', expires_in: '7200' },
    })
    expect(detail).not.toMatch(/the-secret|the-token|secret-token/)
  })

  it('GIVEN nested arrays and objects THEN secrets are found at any depth, everything else is kept', () => {
    expect(redacted({ a: [{ Token: 1, b: 2 }], c: null })).toEqual({ a: [{ Token: '[redacted]', b: 2 }], c: null })
  })

  it('GIVEN frames THEN heartbeats and their ACKs are told apart from the rest', () => {
    expect(isHeartbeat({ direction: 'in', payload: { op: 1, d: 5 } })).toBe(true)
    expect(isHeartbeat({ direction: 'out', payload: { op: 11 } })).toBe(true)
    expect(isHeartbeat({ direction: 'out', payload: { op: 0, t: 'C2C_MESSAGE_CREATE' } })).toBe(false)
    expect(isHeartbeat({ direction: 'out', payload: null })).toBe(false)
  })
})
