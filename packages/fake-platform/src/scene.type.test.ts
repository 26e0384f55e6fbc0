/**
 * The fake platform spells its scene names itself (it imports no workspace package, docs/architecture.md);
 * this pins them to the core's `Scene`, so the two can never drift. Checked by `tsc -p tsconfig.test.json`.
 */
import type { Scene as CoreScene } from '@qqbot/core'
import { describe, expectTypeOf, it } from 'vitest'
import type { Scene, SentMessage } from './index.js'

describe('scene names', () => {
  it("GIVEN a sent message THEN its scene is one of the core's four scene names", () => {
    expectTypeOf<Scene>().toEqualTypeOf<CoreScene>()
    expectTypeOf<SentMessage['scene']>().toEqualTypeOf<CoreScene>()
  })
})
