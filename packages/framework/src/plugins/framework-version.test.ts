import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FRAMEWORK_VERSION } from './framework-version.js'

describe('FRAMEWORK_VERSION', () => {
  it('GIVEN the package.json THEN the constant plugins are checked against is its version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(FRAMEWORK_VERSION).toBe(pkg.version)
  })
})
