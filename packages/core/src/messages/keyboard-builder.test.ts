import { describe, expect, it } from 'vitest'
import { button, keyboard, KEYBOARD_LIMITS } from './keyboard-builder.js'
import { markdown } from './markdown-builder.js'
import { KeyboardInvalidError, MarkdownInvalidError } from './message-errors.js'
import { markdownToText, plainTextOf } from './markdown-text.js'

const callback = (n: number) => button.callback(`b${n}`, `data:${n}`)

describe('keyboard()', () => {
  it('GIVEN link, callback and command buttons THEN every type is written out, 0 included, with the documented defaults', () => {
    const built = keyboard()
      .row(button.link('Docs', 'https://example.com/docs', { style: 'grey' }), button.callback('Roll d20', 'roll:20'))
      .row(button.command('Help', '/help', { enter: true, permission: 'admins', visitedLabel: 'Helped' }))
      .build()
    expect(built).toEqual({
      content: {
        rows: [
          {
            buttons: [
              {
                id: '1',
                render_data: { label: 'Docs', visited_label: 'Docs', style: 0 },
                action: {
                  type: 0,
                  permission: { type: 2 },
                  data: 'https://example.com/docs',
                  unsupport_tips: expect.any(String),
                },
              },
              {
                id: '2',
                render_data: { label: 'Roll d20', visited_label: 'Roll d20', style: 1 },
                action: { type: 1, permission: { type: 2 }, data: 'roll:20', unsupport_tips: expect.any(String) },
              },
            ],
          },
          {
            buttons: [
              {
                id: '3',
                render_data: { label: 'Help', visited_label: 'Helped', style: 1 },
                action: {
                  type: 2,
                  permission: { type: 1 },
                  data: '/help',
                  enter: true,
                  unsupport_tips: expect.any(String),
                },
              },
            ],
          },
        ],
      },
    })
    // JSON keeps the zeros (the bug one SDK has: omitempty drops type 0 and breaks link buttons).
    expect(JSON.stringify(built)).toContain('"action":{"type":0,"permission":{"type":2}')
  })

  it('GIVEN listed users or roles THEN permission types 0 and 3 carry the lists', () => {
    const built = keyboard()
      .row(
        button.callback('Mine', 'x', { permission: { users: ['u1'] } }),
        button.callback('Mods', 'y', { permission: { roles: ['5'] } }),
      )
      .build()
    const [mine, mods] = built.content.rows[0]!.buttons
    expect(mine!.action.permission).toEqual({ type: 0, specify_user_ids: ['u1'] })
    expect(mods!.action.permission).toEqual({ type: 3, specify_role_ids: ['5'] })
  })

  it('GIVEN 5 rows of 5 THEN it builds; a sixth row or a sixth button is refused naming the row and the rule', () => {
    const full = keyboard()
    for (let row = 0; row < KEYBOARD_LIMITS.rows; row++)
      full.row(...Array.from({ length: 5 }, (_, index) => callback(row * 5 + index)))
    expect(full.build().content.rows.flatMap((row) => row.buttons)).toHaveLength(25)
    expect(() => full.row(callback(99))).toThrow(
      new KeyboardInvalidError('a keyboard has at most 5 rows; this is row 6.', { row: 6 }),
    )
    const wide = () =>
      keyboard()
        .row(callback(1))
        .row(...Array.from({ length: 6 }, (_, index) => callback(index)))
    expect(wide).toThrow(/^Keyboard row 2: a row has at most 5 buttons; this one has 6/)
    expect(() => keyboard().row()).toThrow(/row 1: a row needs at least one button/)
    expect(() => keyboard().build()).toThrow(/at least one row/)
  })

  it('GIVEN a bad label, data, URL, permission or id THEN the error names row, button and rule, with a stable code', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => keyboard().row(callback(1), button.callback(' ', 'x')),
        /^Keyboard row 1, button 2 \(" "\): the label is empty/,
      ],
      [
        () => keyboard().row(button.callback('x'.repeat(65), 'x')),
        /button 1 .*the label has 65 characters; at most 64/,
      ],
      [() => keyboard().row(button.callback('Long', 'd'.repeat(129))), /callback data has 129 characters; at most 128/],
      [() => keyboard().row(button.callback('Empty', '')), /a callback button needs its data/],
      [() => keyboard().row(button.link('Docs', 'example.com/docs')), /a link button needs an absolute URL/],
      [
        () => keyboard().row(button.callback('No one', 'x', { permission: { users: [] } })),
        /permission.users is empty/,
      ],
      [
        () => keyboard().row(button.callback('A', 'a', { id: 'k' }), button.callback('B', 'b', { id: 'k' })),
        /button 2 \("B"\): the id "k" is already used/,
      ],
      [
        () =>
          keyboard()
            .row(button.callback('A', 'a'), button.callback('B', 'b', { id: '1' }))
            .build(),
        /row 1, button 1 \("A"\): its default id "1"/,
      ],
    ]
    for (const [build, message] of cases) {
      const error = (() => {
        try {
          build()
        } catch (caught) {
          return caught
        }
      })()
      expect(error).toBeInstanceOf(KeyboardInvalidError)
      expect((error as KeyboardInvalidError).code).toBe('KEYBOARD_INVALID')
      expect((error as Error).message).toMatch(message)
    }
    // 128 characters exactly, and a CJK label counted by characters, are fine.
    expect(() =>
      keyboard()
        .row(button.callback('掷'.repeat(64), 'd'.repeat(128)))
        .build(),
    ).not.toThrow()
  })
})

describe('markdown', () => {
  it('GIVEN native content or a template THEN the wire forms; empty content, id or values are refused', () => {
    expect(markdown.text('**hi**')).toEqual({ content: '**hi**' })
    expect(markdown.template('tpl-1', { title: 'Poll', options: ['Tea', 'Coffee'] })).toEqual({
      custom_template_id: 'tpl-1',
      params: [
        { key: 'title', values: ['Poll'] },
        { key: 'options', values: ['Tea', 'Coffee'] },
      ],
    })
    expect(() => markdown.text('  ')).toThrow(MarkdownInvalidError)
    expect(() => markdown.template('')).toThrow(/template id is empty/)
    expect(() => markdown.template('t', { a: [] })).toThrow(/parameter "a" needs one or more string values/)
  })

  it('GIVEN markdown THEN its plain text keeps the words, links and list items and drops the markers', () => {
    const text = markdownToText(
      '# Poll\n\n**Tea** or _coffee_? ~~none~~\n\n* one\n* two\n\n[Docs](https://example.com) ![cat](https://x/c.png) `code`\n> quoted',
    )
    expect(text).toBe('Poll\n\nTea or coffee? none\n\n- one\n- two\n\nDocs (https://example.com) cat code\nquoted')
    expect(markdownToText('<b>hi</b> <@!123> in <#456>')).toBe('hi <@!123> in <#456>')
  })

  it('GIVEN a body with markdown and keyboard THEN the plain body drops both, prefers the author text, and keeps the reference', () => {
    const keys = keyboard().row(callback(1)).build()
    expect(plainTextOf({ msg_type: 2, markdown: { content: '**x**' }, keyboard: keys, msg_id: 'm1' })).toEqual({
      content: 'x',
      msg_id: 'm1',
    })
    expect(plainTextOf({ content: 'author text', markdown: { content: '**x**' } })).toEqual({ content: 'author text' })
    expect(plainTextOf({ markdown: markdown.template('t', { a: 'one', b: ['two', 'three'] }) })).toEqual({
      content: 'one\ntwo\nthree',
    })
  })
})
