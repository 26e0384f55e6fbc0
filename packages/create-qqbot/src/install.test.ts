import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CreateQqbotError } from './errors.js'
import { installDependencies, missingQqbotPackage } from './install.js'

/** What npm 11 prints for a missing package (copied from a real run). */
const NPM_404 = [
  'npm error code E404',
  'npm error 404 Not Found - GET https://registry.npmjs.org/@qqbot%2fcore',
  'npm error 404',
  "npm error 404  The requested resource '@qqbot/core@0.1.0' could not be found or you do not have permission to access it.",
].join('\n')

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'create-qqbot-install-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A fake `npm` (a shell script: POSIX only) first on PATH: prints `stderr`, exits with `code`, and records that it ran in the project folder. */
async function fakeNpm(stderr: string, code: number): Promise<NodeJS.ProcessEnv> {
  const script = join(dir, 'npm')
  await writeFile(script, `#!/bin/sh\necho "$@" > ran.txt\ncat >&2 <<'END'\n${stderr}\nEND\nexit ${code}\n`)
  await chmod(script, 0o755)
  return { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` }
}

async function install(env: NodeJS.ProcessEnv) {
  const errorOutput = new PassThrough()
  let shown = ''
  errorOutput.on('data', (chunk: Buffer) => (shown += chunk.toString()))
  const error = await installDependencies('npm', dir, { env, errorOutput }).then(
    () => undefined,
    (caught: unknown) => caught as CreateQqbotError,
  )
  return { error, shown }
}

describe('installDependencies', () => {
  it('GIVEN the registry answers 404 for @qqbot/core THEN it says the packages are not published and the command that works', async () => {
    const { error, shown } = await install(await fakeNpm(NPM_404, 1))
    expect(shown).toContain("The requested resource '@qqbot/core@0.1.0' could not be found") // the installer's own words still reach the user
    expect(error).toBeInstanceOf(CreateQqbotError)
    expect(error?.code).toBe('PACKAGES_NOT_PUBLISHED')
    expect(error?.message).toContain('the registry has no @qqbot/core')
    expect(error?.message).toContain('The qqbot packages are not published on the npm registry yet.')
    expect(error?.message).toContain('run: npm run create -- <folder>')
    expect(error?.message).toContain('create-qqbot <folder> --from <path of the clone>')
  })

  it('GIVEN another failure THEN INSTALL_FAILED gives the exit code, what to check and the command to retry', async () => {
    const { error } = await install(await fakeNpm('npm error code ECONNRESET', 7))
    expect(error?.code).toBe('INSTALL_FAILED')
    expect(error?.message).toContain(`npm install failed with exit code 7 in ${dir}`)
    expect(error?.message).toContain('the network and the registry it uses (npm config get registry)')
    expect(error?.message).toContain(`run: cd ${dir} && npm install`)
    expect(error?.message).not.toContain('fix the problem')
  })

  it('GIVEN the installer succeeds THEN it resolves, having run install in the project folder', async () => {
    const { error } = await install(await fakeNpm('', 0))
    expect(error).toBeUndefined()
    expect((await readFile(join(dir, 'ran.txt'), 'utf8')).trim()).toBe('install')
  })

  it('GIVEN no installer on PATH THEN it says it is not installed and suggests --pm', async () => {
    const { error } = await install({ PATH: dir })
    expect(error?.code).toBe('INSTALL_FAILED')
    expect(error?.message).toContain('npm install could not start')
    expect(error?.message).toContain('npm is not installed or not on PATH')
  })
})

describe('missingQqbotPackage', () => {
  it('GIVEN npm, pnpm and yarn 404 messages THEN the missing @qqbot package is found; other failures find none', () => {
    expect(missingQqbotPackage(NPM_404)).toBe('@qqbot/core')
    expect(
      missingQqbotPackage(' ERR_PNPM_FETCH_404  GET https://registry.npmjs.org/@qqbot%2Fframework: Not Found - 404'),
    ).toBe('@qqbot/framework')
    expect(
      missingQqbotPackage(
        'error An unexpected error occurred: "https://registry.yarnpkg.com/@qqbot%2fsandbox: Not found".',
      ),
    ).toBe('@qqbot/sandbox')
    expect(missingQqbotPackage('npm error 404 Not Found - GET https://registry.npmjs.org/left-pad')).toBeUndefined()
    expect(missingQqbotPackage('npm error code ECONNRESET while fetching @qqbot/core')).toBeUndefined()
  })
})
