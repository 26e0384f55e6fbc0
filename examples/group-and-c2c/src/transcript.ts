import type { MessageBody } from '@qqbot/core'

/** One line for a message the bot sent, as a terminal can show it: text, markdown, buttons, media. */
export function describeMessage(body: MessageBody): string {
  const parts: string[] = []
  if (body.media) parts.push('[image]')
  if (body.markdown?.content) parts.push(`[markdown] ${body.markdown.content.split('\n')[0]}`)
  const text = body.content?.trim()
  if (text) parts.push(text)
  const rows = body.keyboard?.content?.rows ?? []
  const labels = rows.flatMap((row) =>
    row.buttons.map((button) => `[${(button as { render_data?: { label?: string } }).render_data?.label ?? '?'}]`),
  )
  if (labels.length > 0) parts.push(labels.join(' '))
  return parts.join(' ')
}
