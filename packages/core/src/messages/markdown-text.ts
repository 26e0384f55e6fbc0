import type { MessageBody } from '../rest/api-types.js'

/**
 * Markdown as a reader would say it in plain text: markers dropped, links as `text (url)`, images as their
 * alt text, list bullets and line breaks kept. Not a parser: it covers what chat markdown uses.
 */
export function markdownToText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .replace(/^```[^\n]*\n?/gm, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_match, text: string, url: string) =>
      text === url ? url : `${text} (${url})`,
    )
    .replace(/<(?![@#])[^>\n]+>/g, '')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(/^\s{0,3}([-*_])(\s*\1){2,}\s*$/gm, '')
    .replace(/^(\s*)[*+]\s+/gm, '$1- ')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)/g, '$1')
    .replace(/(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?!\w)/g, '$1')
    .replace(/~~(.+?)~~/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/**
 * The same message without markdown or keyboard, for a chat that refuses them: the body's own `content` when it
 * has one besides the markdown (the author's text version), else the markdown as text; a template becomes
 * its parameter values, one per line. Media and the reply reference are kept; `msg_type` is left to the caller.
 */
export function plainTextOf(body: MessageBody): MessageBody {
  const { markdown, keyboard: _keyboard, msg_type: _type, ...rest } = body
  if (!markdown) return rest
  const own = typeof body.content === 'string' && body.content.trim() !== '' ? body.content : undefined
  const text =
    own ??
    (typeof markdown.content === 'string'
      ? markdownToText(markdown.content)
      : (markdown.params ?? []).flatMap((param) => param.values).join('\n'))
  return { ...rest, content: text.trim() === '' ? ' ' : text }
}
