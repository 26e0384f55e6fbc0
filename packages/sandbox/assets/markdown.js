/**
 * A small, safe markdown renderer for bot replies. The source is HTML-escaped first; only the tags below are
 * produced: h1-h6, p, strong, em, code, pre, ul/ol/li, br, and a with http(s) links only.
 */

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for use in HTML content and attribute values. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (char) => ESCAPES[char])
}

/** Renders markdown `source` to an HTML string built only from escaped text and a fixed set of tags. */
export function renderMarkdown(source) {
  const lines = String(source)
    // eslint-disable-next-line no-control-regex -- NUL is the placeholder marker below, so input may not carry it
    .replace(/\u0000/g, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
  const out = []
  let paragraph = []
  let list = null
  const flushParagraph = () => {
    if (paragraph.length > 0) out.push(`<p>${paragraph.map(inline).join('<br>')}</p>`)
    paragraph = []
  }
  const flushList = () => {
    if (list) out.push(`<${list.tag}>${list.items.map((item) => `<li>${inline(item)}</li>`).join('')}</${list.tag}>`)
    list = null
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const fence = /^\s*```/.exec(line)
    if (fence) {
      flushParagraph()
      flushList()
      const code = []
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]); i++) code.push(lines[i])
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`)
      continue
    }
    const heading = /^\s*(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line)
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line)
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line)
    if (heading) {
      flushParagraph()
      flushList()
      const level = heading[1].length
      out.push(`<h${level}>${inline(heading[2])}</h${level}>`)
    } else if (bullet || numbered) {
      flushParagraph()
      const tag = bullet ? 'ul' : 'ol'
      if (list && list.tag !== tag) flushList()
      list ??= { tag, items: [] }
      list.items.push((bullet ?? numbered)[1])
    } else if (line.trim() === '') {
      flushParagraph()
      flushList()
    } else {
      flushList()
      paragraph.push(line)
    }
  }
  flushParagraph()
  flushList()
  return out.join('')
}

/** Inline markup on one line: `code`, **bold**, *italic* / _italic_, [text](http(s)://url). */
function inline(text) {
  const kept = []
  const keep = (html) => {
    kept.push(html)
    return `\u0000${kept.length - 1}\u0000`
  }
  // Code spans and links first, kept aside as placeholders so nothing inside them is formatted.
  const html = escapeHtml(text)
    .replace(/`([^`]+)`/g, (_match, code) => keep(`<code>${code}</code>`))
    .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, (_match, label, url) =>
      keep(`<a href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>`),
    )
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/__([^_]+)__/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
    .replace(/(^|[^\w_])_([^_\s][^_]*)_(?!\w)/g, '$1<em>$2</em>')
  // eslint-disable-next-line no-control-regex -- NUL brackets the index of a kept code span
  return html.replace(/\u0000(\d+)\u0000/g, (_match, index) => kept[Number(index)])
}
