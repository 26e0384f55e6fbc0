#!/usr/bin/env node
// Checks that every publishable package is ready to publish: publint, arethetypeswrong (ESM-only is intended),
// the package.json fields a user and the registry need, and what `npm pack` would ship. Run after `npm run build`.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'

const root = fileURLToPath(new URL('..', import.meta.url))
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const attw = join(root, 'node_modules', '.bin', 'attw')
const REQUIRED_FIELDS = ['name', 'version', 'description', 'license', 'repository', 'engines', 'exports', 'files']
const REQUIRED_FILES = ['package.json', 'README.md', 'LICENSE']

const problems = []
const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(root, 'packages', entry.name))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true)

for (const { dir, manifest } of packages) {
  const name = manifest.name
  const report = (problem) => problems.push(`${name}: ${problem}`)

  for (const field of REQUIRED_FIELDS) if (manifest[field] === undefined) report(`package.json has no "${field}"`)
  if (manifest.engines?.node !== rootManifest.engines.node)
    report(`engines.node is ${manifest.engines?.node}, the workspace says ${rootManifest.engines.node}`)
  const directory = `packages/${dir.split(/[\\/]/).pop()}`
  if (manifest.repository?.url !== rootManifest.repository.url || manifest.repository?.directory !== directory)
    report(`repository must be { url: "${rootManifest.repository.url}", directory: "${directory}" }`)

  const { messages, pkg } = await publint({ pkgDir: dir, level: 'suggestion', strict: true })
  for (const message of messages) report(`publint: ${formatMessage(message, pkg) ?? message.code}`)

  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir }))
  const files = packed.files.map((file) => file.path)
  for (const required of REQUIRED_FILES) if (!files.includes(required)) report(`npm pack leaves out ${required}`)
  const main = manifest.exports?.['.']
  for (const target of [main?.import, main?.types])
    if (target && !files.includes(target.replace(/^\.\//, ''))) report(`npm pack leaves out ${target} (built?)`)
  for (const file of files.filter((path) => /^(src|dist)\/.*\.test\.[cm]?[jt]s/.test(path)))
    report(`npm pack ships a test file: ${file}`)

  try {
    execFileSync(attw, ['--pack', '.', '--profile', 'esm-only', '--format', 'ascii', '--quiet'], {
      cwd: dir,
      stdio: 'pipe',
    })
  } catch (error) {
    report(`arethetypeswrong:\n${error.stdout?.toString() ?? ''}${error.stderr?.toString() ?? ''}`)
  }
  console.log(`checked ${name} (${files.length} files)`)
}

if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s) would reach the registry:\n- ${problems.join('\n- ')}`)
  process.exit(1)
}
console.log(`\nall ${packages.length} packages are ready to publish`)
