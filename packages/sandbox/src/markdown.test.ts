import { describe, expect, it } from 'vitest'
import { escapeHtml, renderMarkdown } from '../assets/markdown.js'

describe('the page markdown renderer', () => {
  it('GIVEN HTML in the source THEN it comes out escaped, never as markup', () => {
    expect(renderMarkdown('<img src=x onerror=alert(1)> **<script>x</script>**')).toBe(
      '<p>&lt;img src=x onerror=alert(1)&gt; <strong>&lt;script&gt;x&lt;/script&gt;</strong></p>',
    )
    expect(escapeHtml(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;')
  })

  it('GIVEN headings, emphasis, code, lists and a fenced block THEN they render with the fixed tags', () => {
    expect(renderMarkdown('## Title\n**bold** *it* _it_ `**raw**`\n\n- a\n- b\n1. one\n```\n<b>x</b>\n```')).toBe(
      '<h2>Title</h2><p><strong>bold</strong> <em>it</em> <em>it</em> <code>**raw**</code></p><ul><li>a</li><li>b</li></ul><ol><li>one</li></ol><pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>',
    )
  })

  it('GIVEN links THEN only http(s) ones become anchors, and quotes cannot leave the attribute', () => {
    expect(renderMarkdown('[docs](https://example.com/a_b_c)')).toBe(
      '<p><a href="https://example.com/a_b_c" target="_blank" rel="noopener noreferrer">docs</a></p>',
    )
    expect(renderMarkdown('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>')
    expect(renderMarkdown('[x](https://e.com/"onmouseover="alert(1))')).toBe(
      '<p><a href="https://e.com/&quot;onmouseover=&quot;alert(1" target="_blank" rel="noopener noreferrer">x</a>)</p>',
    )
  })
})
