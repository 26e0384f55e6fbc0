import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Workspace packages export their TypeScript sources under the "source" condition, so tests run
  // against src/ without a build step in between. Vitest runs tests as SSR, hence `ssr.resolve`.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
