import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect } from 'vitest'
import { ensureBuilt } from './ensure-built.js'

/**
 * What the `create-qqbot --from <clone>` end-to-end tests share (test/create-qqbot*.test.ts): the built CLI
 * writes a project, packs this repo's packages into it, points it at them with a lockfile from this
 * workspace's, and installs it from the npm cache (`npm_config_offline`: no registry is contacted).
 */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const CLI = join(ROOT, 'packages/create-qqbot/dist/cli.js')
/** The workspace packages a generated project needs, directly or through another one. */
export const WORKSPACE_PACKAGES = ['core', 'framework', 'testing', 'sandbox', 'fake-platform', 'redis']
/** The nested npm installs from the cache only: a package missing there fails with ENOTCACHED instead of a download. */
export const OFFLINE = { npm_config_offline: 'true' }
// Per project: create, install, build, type-check and test, run the entry points; minutes on a loaded machine.
export const E2E_TIMEOUT = 300_000

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs a command without the npm and vitest variables of the process running this test: `npm_config_*`
 * from `npx vitest` would point a nested npm at this workspace (and its lockfile).
 */
export function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs = 180_000,
  extraEnv: Record<string, string> = {},
): Promise<Run> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|vitest|VITEST|NODE_OPTIONS$|QQBOT_)/i.test(key)),
  )
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

export function explain(step: string, result: Run): string {
  return `${step} exited with ${result.code}\n--- stdout\n${result.stdout.slice(-4_000)}\n--- stderr\n${result.stderr.slice(-4_000)}`
}

export async function expectSuccess(step: string, result: Promise<Run>): Promise<Run> {
  const done = await result
  expect(done.code, explain(step, done)).toBe(0)
  return done
}

/**
 * Builds what the tests run and gives the file a temporary folder to create projects in, removed afterwards.
 * Call at the top of a test file; the returned function gives the folder once the tests run.
 */
export function useWorkFolder(): () => string {
  let work: string | undefined
  beforeAll(async () => {
    ensureBuilt(['packages/create-qqbot', ...WORKSPACE_PACKAGES.map((folder) => `packages/${folder}`)])
    work = await mkdtemp(join(tmpdir(), 'create-qqbot-e2e-'))
  }, E2E_TIMEOUT)
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true })
  })
  return () => {
    if (!work) throw new Error('useWorkFolder(): the folder exists once beforeAll ran')
    return work
  }
}

/**
 * `npm install` in a project created with `--no-install`, over a hard-linked copy of the basic project's
 * node_modules when that project exists (the tests run in order, basic first): npm makes the tree match the
 * project's lockfile, so it only adds and removes what differs from the basic template's (the distributed
 * template's Redis packages, the plugin template's missing sandbox) instead of unpacking a hundred packages
 * again. Check the result with expectInstalledTreeToBeTheLockfile.
 */
export async function installOverBasicProject(projectDir: string, basicDir: string): Promise<Run> {
  const basicModules = join(basicDir, 'node_modules')
  if (existsSync(basicModules)) {
    const modules = join(projectDir, 'node_modules')
    // GNU cp's hard links; where cp cannot (a BSD cp without -l), the install below starts from nothing.
    const linked = await run('cp', ['-al', basicModules, modules], projectDir)
    if (linked.code !== 0) await rm(modules, { recursive: true, force: true })
    // Files rewritten in place must not be shared: npm's record of the tree (npm would write this project's
    // tree into the basic project's, and trust the record instead of reading the folders) and vitest's cache.
    else
      for (const written of ['.package-lock.json', '.vite'])
        await rm(join(modules, written), { recursive: true, force: true })
  }
  return run('npm', ['install'], projectDir, 180_000, OFFLINE)
}

interface LockedPackage {
  integrity?: string
  optional?: boolean
}

/**
 * The installed tree (npm's record of it, node_modules/.package-lock.json) is the project's lockfile: each
 * installed package is in it with the same tarball, and each package it leaves out is an optional one (the
 * other platforms' binaries). A package left over from another tree, or one missing, fails.
 */
export async function expectInstalledTreeToBeTheLockfile(projectDir: string): Promise<void> {
  const packagesOf = async (file: string) =>
    (JSON.parse(await readFile(join(projectDir, file), 'utf8')) as { packages: Record<string, LockedPackage> }).packages
  const locked = await packagesOf('package-lock.json')
  const installed = await packagesOf('node_modules/.package-lock.json')
  const integrities = (packages: Record<string, LockedPackage>, paths: string[]) =>
    Object.fromEntries(paths.map((path) => [path, packages[path]?.integrity]))
  expect(integrities(locked, Object.keys(installed))).toEqual(integrities(installed, Object.keys(installed)))
  const notInstalled = Object.keys(locked).filter((path) => path !== '' && !(path in installed))
  expect(notInstalled.filter((path) => !locked[path]!.optional)).toEqual([])
}
