/**
 * A payload `d` given as JSON text and sent byte for byte: lets a test send what `JSON.stringify` cannot
 * produce, such as an id written as a bare 19-digit number (`{"id":12345678901234567891}`).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Wraps JSON text so that the gateway and the webhook deliverer send it verbatim as a dispatch's `d`. */
export function rawJson(text: string): RawJson {
  return new RawJson(text)
}

/** Serialises a payload whose `d` may be {@link RawJson}; `d` goes last. */
export function payloadText(head: Record<string, unknown>, d: unknown): string {
  if (!(d instanceof RawJson)) return JSON.stringify({ ...head, d })
  const start = JSON.stringify(head)
  return `${start.slice(0, -1)}${start === '{}' ? '' : ','}"d":${d.text}}`
}
