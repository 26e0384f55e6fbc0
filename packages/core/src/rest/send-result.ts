import type { SendResult } from './api-types.js'

/**
 * A send's answer as a {@link SendResult}. A message held for review comes back 201/202 with code 304024
 * and an audit id whose place the sources do not agree on (docs/protocol.md, sends and errors), so `audit_id` is looked for
 * at the top level, under `data.message_audit` and under `message_audit`.
 */
export function toSendResult(body: unknown): SendResult {
  if (typeof body !== 'object' || body === null) return {}
  const result = body as SendResult
  if (typeof result.audit_id === 'string' && result.audit_id !== '') return result
  const auditId = auditIdIn((body as { data?: unknown }).data) ?? auditIdIn(body)
  return auditId === undefined ? result : { ...result, audit_id: auditId }
}

function auditIdIn(container: unknown): string | undefined {
  if (typeof container !== 'object' || container === null) return undefined
  const audit = (container as { message_audit?: unknown }).message_audit
  if (typeof audit !== 'object' || audit === null) return undefined
  const id = (audit as { audit_id?: unknown }).audit_id
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : undefined
}
