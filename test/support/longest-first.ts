import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The files that take longest, longest first (measured on a 2-core machine: child processes, npm installs,
 * Redis and NATS servers started and killed). Two workers finish together only if these start first; vitest
 * orders by the durations of the last run, and a fresh checkout (CI) has none, so it would order by file size.
 */
const LONGEST = [
  'test/create-qqbot.test.ts',
  'test/partitions.test.ts',
  'test/scale-out.test.ts',
  'test/redis-faults.test.ts',
  'test/redis-sentinel.test.ts',
  'packages/sandbox/src/dev/dev-reload.test.ts',
  'test/state-counter.test.ts',
  'test/interrupted-prompts.test.ts',
  'packages/nats/src/nats.test.ts',
  'test/redis-cluster.test.ts',
  'packages/redis/src/stream/stream.test.ts',
  'test/sandbox.browser.test.ts',
  'packages/redis/src/redis-shard-coordinator.test.ts',
  'test/gateway-faults.test.ts',
  'test/webhook.test.ts',
  'examples/distributed/src/distributed.test.ts',
]

/** Vitest's order (last durations, else file size), with the files in LONGEST moved to the front in that order. */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const rank = (spec: TestSpecification) => {
      const index = LONGEST.indexOf(relative(spec.project.config.root, spec.moduleId).replaceAll('\\', '/'))
      return index === -1 ? LONGEST.length : index
    }
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b))
  }
}
