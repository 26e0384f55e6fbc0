import { describe, expect, it } from 'vitest'
import { findButton, toReplyView } from './reply-view.js'

describe('toReplyView', () => {
  it('GIVEN a plain text reply THEN the view has the text as is (the page shows it as text)', () => {
    expect(toReplyView({ content: '<img src=x onerror=alert(1)>', msg_type: 0, msg_id: 'm', msg_seq: 1 })).toEqual({
      text: '<img src=x onerror=alert(1)>',
    })
  })

  it('GIVEN the final frame of a stream THEN its content_raw is shown as markdown, like the stream the user saw', () => {
    const frame = {
      input_mode: 'replace',
      input_state: 10,
      content_type: 'markdown',
      content_raw: '**42**',
      msg_seq: 1,
    }
    expect(toReplyView(frame)).toEqual({ markdown: '**42**' })
  })

  it('GIVEN markdown and a keyboard THEN buttons become callback, command and link actions; malformed buttons are dropped', () => {
    const view = toReplyView({
      msg_type: 2,
      markdown: { content: '# Hi' },
      keyboard: {
        content: {
          rows: [
            {
              buttons: [
                { id: 'r', render_data: { label: 'Roll', style: 1 }, action: { type: 1, data: 'roll:6' } },
                { id: 'h', render_data: { label: 'Help' }, action: { type: 2, data: '/help', enter: true } },
                { id: 'l', render_data: { label: 'Docs' }, action: { type: 0, data: 'https://example.com' } },
                { id: 'x', render_data: { label: 'Broken' } },
                'nonsense',
              ],
            },
            { buttons: [] },
          ],
        },
      },
    })
    expect(view.markdown).toBe('# Hi')
    expect(view.keyboard).toEqual([
      [
        { id: 'r', label: 'Roll', style: 1, action: 'callback', data: 'roll:6', enter: false },
        { id: 'h', label: 'Help', style: 0, action: 'command', data: '/help', enter: true },
        { id: 'l', label: 'Docs', style: 0, action: 'link', data: 'https://example.com', enter: false },
      ],
    ])
    expect(findButton(view, 'h')?.label).toBe('Help')
    expect(findButton(view, 'x')).toBeUndefined()
  })

  it('GIVEN templates THEN their ids and params are kept for a placeholder', () => {
    const view = toReplyView({
      markdown: { custom_template_id: 't1', params: [{ key: 'title', values: ['A'] }, { nokey: 1 }] },
      keyboard: { id: 'kb1' },
    })
    expect(view).toEqual({
      markdownTemplate: { id: 't1', params: [{ key: 'title', values: ['A'] }] },
      keyboardTemplate: 'kb1',
    })
  })

  it('GIVEN images and uploaded media THEN http(s) images are shown, other schemes and uploads become placeholders with their URL', () => {
    expect(toReplyView({ image: 'https://example.com/a.png' })).toEqual({ image: 'https://example.com/a.png' })
    expect(toReplyView({ image: 'javascript:alert(1)' })).toEqual({
      media: { kind: 'image', url: 'javascript:alert(1)' },
    })
    const uploads = (info: string) => (info === 'INFO' ? { fileType: 2, url: 'https://example.com/v.mp4' } : undefined)
    expect(toReplyView({ content: ' ', msg_type: 7, media: { file_info: 'INFO' } }, uploads)).toEqual({
      media: { kind: 'video', url: 'https://example.com/v.mp4' },
    })
    expect(toReplyView({ msg_type: 7, media: { file_info: 'OTHER' } }, uploads)).toEqual({ media: { kind: 'file' } })
    expect(toReplyView({ file_type: 1, url: 'https://example.com/b.png', srv_send_msg: true })).toEqual({
      media: { kind: 'image', url: 'https://example.com/b.png' },
    })
  })

  it('GIVEN ark and embed bodies THEN they are kept as JSON text', () => {
    const view = toReplyView({ ark: { template_id: 23, kv: [] }, embed: { title: 't' } })
    expect(view.structured?.map((block) => block.kind)).toEqual(['ark', 'embed'])
    expect(JSON.parse(view.structured![0]!.json)).toEqual({ template_id: 23, kv: [] })
  })
})
