import { describe, expect, it } from 'vitest'
import { orderByRequirements, type Requiring } from './plugin-order.js'

class Storage {}
const none = { loaded: [], provided: () => false }
const names = (plugins: Requiring[]) => plugins.map((plugin) => plugin.name)

describe('orderByRequirements', () => {
  it('GIVEN requirements by name and by exported token THEN each plugin comes after what it requires, otherwise in the given order', () => {
    const plugins: Requiring[] = [
      { name: 'stats', requires: [Storage] },
      { name: 'board', requires: ['stats'] },
      { name: 'ping' },
      { name: 'storage', exports: [Storage] },
    ]
    expect(names(orderByRequirements(plugins, none))).toEqual(['storage', 'stats', 'board', 'ping'])
  })

  it('GIVEN a requirement met by a loaded plugin or by the bot THEN it needs no ordering', () => {
    const plugins: Requiring[] = [{ name: 'stats', requires: ['storage', Storage] }]
    const scope = { loaded: [{ name: 'storage' }], provided: (token: unknown) => token === Storage }
    expect(names(orderByRequirements(plugins, scope))).toEqual(['stats'])
  })

  it('GIVEN a plugin requiring itself THEN that is a cycle of one', () => {
    expect(() => orderByRequirements([{ name: 'loop', requires: ['loop'] }], none)).toThrow(/cycle: loop → loop\./)
  })
})
