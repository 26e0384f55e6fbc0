#!/usr/bin/env node
// The command's entry point, committed so `npm ci` links it before anything is built.
import { existsSync } from 'node:fs'

const cli = new URL('../dist/dev/cli.js', import.meta.url)
if (existsSync(cli)) {
  await import(cli.href)
} else {
  console.error('qqbot-dev is not built (no dist/dev/cli.js): run npm run build in the qqbot clone.')
  process.exitCode = 1
}
