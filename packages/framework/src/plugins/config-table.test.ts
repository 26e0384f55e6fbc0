import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { configTable } from './config-table.js'

describe('configTable', () => {
  it('GIVEN a schema with defaults, bounds, enums, arrays and a nested object THEN one row per field says it all', () => {
    const schema = z.object({
      sides: z.coerce.number().int().min(2).max(100).default(6).describe('faces of the die'),
      mode: z.enum(['sum', 'each']).optional().meta({ description: 'how | to add' }),
      names: z.array(z.string()).default([]),
      reply: z
        .object({ mention: z.boolean().default(false).describe('mention\nthe sender') })
        .default({ mention: false }),
      token: z.string().min(8),
    })

    expect(configTable(schema, { locale: 'en' })).toBe(
      [
        '| option | type | default | description |',
        '| --- | --- | --- | --- |',
        '| `sides` | integer, ≥ 2, ≤ 100 | `6` | faces of the die |',
        '| `mode` | "sum" \\| "each" | – | how \\| to add |',
        '| `names` | string[] | `[]` |  |',
        '| `reply` | object | `{"mention":false}` |  |',
        '| `reply.mention` | boolean | `false` | mention the sender |',
        '| `token` | string, length ≥ 8 | required |  |',
        '',
      ].join('\n'),
    )
  })

  it('GIVEN no locale THEN the header is in zh-CN, the framework default', () => {
    expect(
      configTable(z.object({ a: z.string() }))
        .split('\n')
        .slice(0, 1),
    ).toEqual(['| 配置项 | 类型 | 默认值 | 说明 |'])
    expect(configTable(z.object({ a: z.string() }))).toContain('| `a` | string | 必填 |  |')
  })

  it('GIVEN no schema or an object without fields THEN one sentence says there are no options', () => {
    expect(configTable(undefined, { locale: 'en' })).toBe('This plugin has no options.\n')
    expect(configTable(z.object({}), { locale: 'zh-CN' })).toBe('此插件没有配置项。\n')
  })
})
