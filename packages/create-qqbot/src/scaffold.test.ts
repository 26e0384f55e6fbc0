import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CreateQqbotError } from './errors.js'
import { planFiles, scaffold } from './scaffold.js'

const SHARED_FILES = [
  '.dockerignore',
  '.env.example',
  '.gitignore',
  'Dockerfile',
  'README.md',
  'package.json',
  'src/bot.ts',
  'src/commands/dice.ts',
  'src/commands/ping.ts',
  'src/credentials.ts',
  'src/index.ts',
  'src/local-sandbox.ts',
  'src/plugins.ts',
  'src/services/random.ts',
  'test/commands.test.ts',
  'tsconfig.json',
  'tsconfig.test.json',
  'vitest.config.ts',
]

/** The distributed template adds the two roles, their helpers, a settings test and docker-compose.yml. */
const DISTRIBUTED_FILES = [
  ...SHARED_FILES,
  'docker-compose.yml',
  'src/ingress.ts',
  'src/redis.ts',
  'src/settings.ts',
  'src/shutdown.ts',
  'src/worker.ts',
  'test/settings.test.ts',
].sort()

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'create-qqbot-unit-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function scaffoldError(targetDir: string): Promise<CreateQqbotError> {
  const error = await scaffold({ targetDir, name: 'x', template: 'basic', packageManager: 'npm' }).catch(
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(CreateQqbotError)
  return error as CreateQqbotError
}

describe('planFiles', () => {
  it('GIVEN basic or webhook THEN the project has the same file list, dot-files renamed from _name', async () => {
    for (const template of ['basic', 'webhook'] as const) {
      expect((await planFiles(template)).map((file) => file.target)).toEqual(SHARED_FILES)
    }
  })

  it('GIVEN the webhook template THEN its own index.ts, Dockerfile, README and .env.example replace the basic ones', async () => {
    const sources = Object.fromEntries((await planFiles('webhook')).map((file) => [file.target, file.source]))
    for (const target of ['src/index.ts', 'Dockerfile', 'README.md', '.env.example'])
      expect(sources[target]).toMatch(/templates[/\\]webhook[/\\]/)
    expect(sources['src/bot.ts']).toMatch(/templates[/\\]shared[/\\]/)
  })

  it('GIVEN the distributed template THEN it has the shared files, its own entry points and compose file, and the shared commands', async () => {
    const files = await planFiles('distributed')
    expect(files.map((file) => file.target)).toEqual(DISTRIBUTED_FILES)
    const sources = Object.fromEntries(files.map((file) => [file.target, file.source]))
    for (const target of [
      'package.json',
      'src/index.ts',
      'src/ingress.ts',
      'src/worker.ts',
      'Dockerfile',
      'docker-compose.yml',
      'README.md',
      '.env.example',
    ]) {
      expect(sources[target]).toMatch(/templates[/\\]distributed[/\\]/)
    }
    expect(sources['src/bot.ts']).toMatch(/templates[/\\]shared[/\\]/)
    for (const target of ['src/commands/ping.ts', 'src/commands/dice.ts', 'test/commands.test.ts'])
      expect(sources[target]).toMatch(/templates[/\\]locales[/\\]zh-CN[/\\]/)
  })

  it('GIVEN a language THEN the commands and their test come from its folder, everything else is the same', async () => {
    const zh = await planFiles('basic')
    const en = await planFiles('basic', { locale: 'en' })
    expect(en.map((file) => file.target)).toEqual(zh.map((file) => file.target))
    const changed = en.filter((file, index) => file.source !== zh[index]!.source)
    expect(changed.map((file) => file.target)).toEqual([
      'src/commands/dice.ts',
      'src/commands/ping.ts',
      'test/commands.test.ts',
    ])
    for (const file of changed) expect(file.source).toMatch(/templates[/\\]locales[/\\]en[/\\]/)
  })
})

describe('scaffold', () => {
  it('GIVEN a missing folder THEN it is created with every file, placeholders filled in', async () => {
    const targetDir = join(dir, 'nested', 'my-bot')
    const result = await scaffold({ targetDir, name: 'my-bot', template: 'webhook', packageManager: 'pnpm' })
    expect(result).toEqual({ targetDir, files: SHARED_FILES })
    for (const file of SHARED_FILES) expect(await readFile(join(targetDir, file), 'utf8')).not.toMatch(/\{\{/)
    const manifest = JSON.parse(await readFile(join(targetDir, 'package.json'), 'utf8'))
    expect(manifest).toMatchObject({
      name: 'my-bot',
      type: 'module',
      description: 'A QQ bot on qqbot (webhook delivery)',
    })
    expect(manifest.scripts).toEqual({
      build: 'tsc',
      dev: 'qqbot-dev',
      start: 'node dist/index.js',
      test: 'tsc -p tsconfig.test.json && vitest run',
    })
    const dockerfile = await readFile(join(targetDir, 'Dockerfile'), 'utf8')
    expect(dockerfile).toContain('COPY package.json pnpm-lock.yaml ./\nRUN corepack enable')
    expect(dockerfile).toContain('RUN pnpm build && pnpm prune --prod')
    expect(dockerfile).toContain('USER node')
    expect(await readFile(join(targetDir, 'src/index.ts'), 'utf8')).toContain("source: 'webhook'")
    expect(await readFile(join(targetDir, '.env.example'), 'utf8')).toMatch(/^QQBOT_WEBHOOK_PORT=8080$/m)
    expect(await readFile(join(targetDir, 'README.md'), 'utf8')).toMatch(/^pnpm install\npnpm dev$/m)
  })

  it('GIVEN the distributed template THEN the project has the ingress and worker scripts, the Redis dependencies and the split services', async () => {
    const targetDir = join(dir, 'split-bot')
    const result = await scaffold({ targetDir, name: 'split-bot', template: 'distributed', packageManager: 'pnpm' })
    expect(result.files).toEqual(DISTRIBUTED_FILES)
    for (const file of DISTRIBUTED_FILES) expect(await readFile(join(targetDir, file), 'utf8')).not.toMatch(/\{\{/)
    const manifest = JSON.parse(await readFile(join(targetDir, 'package.json'), 'utf8'))
    expect(manifest).toMatchObject({
      name: 'split-bot',
      description: 'A QQ bot on qqbot (ingress and workers over Redis)',
    })
    expect(manifest.scripts).toEqual({
      build: 'tsc',
      dev: 'qqbot-dev',
      start: 'node dist/index.js',
      ingress: 'node dist/ingress.js',
      worker: 'node dist/worker.js',
      test: 'tsc -p tsconfig.test.json && vitest run',
    })
    expect(manifest.dependencies).toMatchObject({ '@qqbot/redis': '0.1.0', ioredis: '^5.9.2' })
    const index = await readFile(join(targetDir, 'src/index.ts'), 'utf8')
    expect(index).toContain('startLocalSandbox()')
    expect(index).toContain('pnpm ingress')
    expect(index).toContain('pnpm worker')
    expect(await readFile(join(targetDir, 'src/ingress.ts'), 'utf8')).toMatch(
      /createRedisIngress\([\s\S]*\.\.\.redisScaleOut\(/,
    )
    expect(await readFile(join(targetDir, 'src/worker.ts'), 'utf8')).toContain('new RedisStreamSource(')
    const compose = await readFile(join(targetDir, 'docker-compose.yml'), 'utf8')
    const servicesBlock = /^services:\n([\s\S]*?)^\S/m.exec(compose)?.[1] ?? ''
    const services = [...servicesBlock.matchAll(/^ {2}([\w-]+):$/gm)].map((match) => match[1])
    expect(services).toEqual(['redis', 'ingress-1', 'ingress-2', 'worker-1', 'worker-2', 'worker-3'])
    expect(compose.match(/command: \["node", "dist\/ingress\.js"\]/g)).toHaveLength(2)
    expect(compose.match(/command: \["node", "dist\/worker\.js"\]/g)).toHaveLength(3)
    expect(compose).toContain('env_file: .env')
    // The stream is the queue: Redis must keep it across a restart (docs/scaling.md, Running Redis for scale-out).
    expect(compose).toContain('command: ["redis-server", "--appendonly", "yes", "--appendfsync", "everysec"]')
    const env = await readFile(join(targetDir, '.env.example'), 'utf8')
    for (const variable of [
      'QQBOT_APP_ID=',
      'QQBOT_APP_SECRET=',
      'REDIS_URL=redis://127.0.0.1:6379',
      'QQBOT_SHARDS=2',
      'HEALTH_PORT=',
      'HEALTH_HOST=',
    ])
      expect(env).toMatch(new RegExp(`^${variable}`, 'm'))
    expect(await readFile(join(targetDir, 'Dockerfile'), 'utf8')).toContain('COPY package.json pnpm-lock.yaml ./')
    expect(await readFile(join(targetDir, 'README.md'), 'utf8')).toMatch(/^ *pnpm ingress/m)
  })

  it('GIVEN local packages (--from) THEN the Dockerfile of every template copies them before npm ci; without, it does not', async () => {
    for (const template of ['basic', 'webhook', 'distributed'] as const) {
      const local = join(dir, `${template}-local`)
      await scaffold({ targetDir: local, name: 'b', template, packageManager: 'npm', localPackages: '.qqbot/packages' })
      expect(await readFile(join(local, 'Dockerfile'), 'utf8')).toContain(
        'COPY package.json package-lock.json ./\nCOPY .qqbot/packages ./.qqbot/packages\nRUN npm ci\n',
      )
      const registry = join(dir, `${template}-registry`)
      await scaffold({ targetDir: registry, name: 'b', template, packageManager: 'npm' })
      expect(await readFile(join(registry, 'Dockerfile'), 'utf8')).toContain(
        'COPY package.json package-lock.json ./\nRUN npm ci\n',
      )
    }
  })

  it('GIVEN an empty existing folder THEN the project goes into it', async () => {
    const result = await scaffold({ targetDir: dir, name: 'bot', template: 'basic', packageManager: 'npm' })
    expect((await readdir(dir)).sort()).toEqual([
      '.dockerignore',
      '.env.example',
      '.gitignore',
      'Dockerfile',
      'README.md',
      'package.json',
      'src',
      'test',
      'tsconfig.json',
      'tsconfig.test.json',
      'vitest.config.ts',
    ])
    expect(result.files).toHaveLength(SHARED_FILES.length)
    expect(await readFile(join(dir, 'src/index.ts'), 'utf8')).not.toContain("source: 'webhook'")
  })

  it('GIVEN a folder with a file in it THEN it refuses, names the folder and leaves the file as it was', async () => {
    await writeFile(join(dir, 'notes.txt'), 'keep me')
    const error = await scaffoldError(dir)
    expect(error.code).toBe('TARGET_NOT_EMPTY')
    expect(error.message).toContain(`The folder ${dir} is not empty (it has notes.txt)`)
    expect(await readdir(dir)).toEqual(['notes.txt'])
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me')
  })

  it('GIVEN a folder with only a subfolder, or a file at the target path THEN it refuses', async () => {
    await mkdir(join(dir, 'sub'))
    expect((await scaffoldError(dir)).code).toBe('TARGET_NOT_EMPTY')
    const file = join(dir, 'sub', 'bot')
    await writeFile(file, '')
    expect((await scaffoldError(file)).message).toBe(
      `${file} exists and is not a folder. Choose another project name or folder.`,
    )
  })

  it('GIVEN a template with an unknown placeholder THEN nothing is overwritten and the error names the file', async () => {
    const templatesRoot = join(dir, 'templates')
    for (const layer of ['shared', 'locales/zh-CN', 'basic'])
      await mkdir(join(templatesRoot, layer), { recursive: true })
    await writeFile(join(templatesRoot, 'shared', 'README.md'), '{{oops}}')
    const error = await scaffold({
      targetDir: join(dir, 'out'),
      name: 'x',
      template: 'basic',
      packageManager: 'npm',
      templatesRoot,
    }).catch((caught: unknown) => caught)
    expect((error as CreateQqbotError).code).toBe('TEMPLATE_BROKEN')
    expect((error as Error).message).toMatch(/^README\.md uses \{\{oops\}\}/)
  })
})
