#!/usr/bin/env node
// The command's entry point, committed so `npm ci` links it before anything is built: it runs the built CLI,
// or says how to build it.
import { existsSync } from 'node:fs'

const cli = new URL('../dist/cli.js', import.meta.url)
if (existsSync(cli)) {
  await import(cli.href)
} else {
  console.error(
    'create-qqbot is not built (no dist/cli.js): run npm run build in the qqbot clone, or use npm run create -- my-bot there, which builds first.',
  )
  process.exitCode = 1
}
