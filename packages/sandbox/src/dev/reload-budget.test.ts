import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { changedFiles, snapshotBuiltFiles } from './built-files.js'
import { ReloadBudgetCounter } from './reload-budget.js'

const MB = 1024 * 1024

describe('ReloadBudgetCounter', () => {
  it('GIVEN reloads up to the count THEN the next change is a restart, saying why', () => {
    const budget = new ReloadBudgetCounter({ reloads: 2 })
    expect(budget.spent()).toBeUndefined()
    budget.reloaded(100 * MB)
    expect(budget.spent()).toBeUndefined()
    budget.reloaded(100 * MB)
    expect(budget.spent()).toBe('2 plugin reloads in place (the budget is 2): restarting frees the old modules')
  })

  it('GIVEN RSS above the growth allowed over the first reload THEN the next change is a restart', () => {
    const budget = new ReloadBudgetCounter({ rssGrowth: 0.1 })
    budget.reloaded(100 * MB)
    budget.reloaded(110 * MB)
    expect(budget.spent()).toBeUndefined()
    budget.reloaded(112 * MB)
    expect(budget.spent()).toBe(
      'RSS grew 12% over 3 plugin reloads in place (the budget is 10%): restarting frees the old modules',
    )
  })

  it('GIVEN no options THEN the defaults are 100 reloads and 10 %', () => {
    const budget = new ReloadBudgetCounter()
    for (let i = 0; i < 99; i++) budget.reloaded(100 * MB)
    expect(budget.spent()).toBeUndefined()
    budget.reloaded(100 * MB)
    expect(budget.spent()).toContain('100 plugin reloads in place')
  })
})

describe('snapshotBuiltFiles', () => {
  it('GIVEN a rebuild THEN only files added, removed or changed in content count, not node_modules or sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qqbot-built-files-'))
    try {
      mkdirSync(join(dir, 'dist', 'plugins'), { recursive: true })
      mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true })
      writeFileSync(join(dir, 'dist', 'main.js'), 'main 1')
      writeFileSync(join(dir, 'dist', 'plugins', 'dice.js'), 'dice 1')
      writeFileSync(join(dir, 'dist', 'old.mjs'), 'old')
      const before = snapshotBuiltFiles(dir)
      expect([...before.keys()].sort()).toEqual(
        [join(dir, 'dist', 'main.js'), join(dir, 'dist', 'old.mjs'), join(dir, 'dist', 'plugins', 'dice.js')].sort(),
      )

      // Rewritten with the same content (a newer mtime): not a change. New content, a new and a removed file: changes.
      writeFileSync(join(dir, 'dist', 'main.js'), 'main 1')
      utimesSync(join(dir, 'dist', 'main.js'), new Date(), new Date(Date.now() + 5_000))
      writeFileSync(join(dir, 'dist', 'plugins', 'dice.js'), 'dice 2')
      writeFileSync(join(dir, 'dist', 'new.js'), 'new')
      rmSync(join(dir, 'dist', 'old.mjs'))
      writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), 'ignored')
      writeFileSync(join(dir, 'dist', 'main.d.ts'), 'ignored')
      const after = snapshotBuiltFiles(dir, before)
      expect(changedFiles(before, after).sort()).toEqual(
        [join(dir, 'dist', 'new.js'), join(dir, 'dist', 'old.mjs'), join(dir, 'dist', 'plugins', 'dice.js')].sort(),
      )
      expect(changedFiles(after, snapshotBuiltFiles(dir, after))).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
