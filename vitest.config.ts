import swc from 'unplugin-swc'
import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
import { LongestFirstSequencer } from './test/support/longest-first.js'

export default defineConfig({
  // swc instead of esbuild: esbuild cannot emit decorator metadata (`design:paramtypes`), which
  // constructor injection (tsyringe) in the command layer and in users' tests relies on.
  plugins: [
    swc.vite({
      tsconfigFile: false,
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
        keepClassNames: true,
      },
    }),
  ],
  // Workspace packages export their TypeScript sources under the "source" condition, so tests run
  // against src/ without a build step in between. Vitest runs tests as SSR, hence `ssr.resolve`.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Files share their worker's module cache: importing the packages again for each file cost several times what
    // most tests take (framework's files: 118 s isolated, 22 s shared; the tests in test/: 133 s of CPU isolated,
    // 85 s shared). No test file mocks modules or stubs globals, and each one closes what it opened.
    isolate: false,
    // No test may reach a host other than this machine (the fake platform, Redis, NATS).
    setupFiles: ['test/support/loopback-only.ts'],
    // One `tsc -b` before any file starts: files that start child processes run the built dist/.
    globalSetup: ['test/support/build-once.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Much of the tests' time is spent waiting (sockets, child processes, Redis): one file more than there are cores
    // keeps the cores busy. On 2 cores, 2 files at a time used 145% CPU and took 337 s; 3 used 169% and took 288 s.
    maxWorkers: availableParallelism() + 1,
    // The longest files start first, so that no worker is left with one of them at the end.
    sequence: { sequencer: LongestFirstSequencer },
  },
})
