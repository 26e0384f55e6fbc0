import { describe, expect, it } from 'vitest'
import { CreateQqbotError } from './errors.js'
import { placeholderValues, renderTemplate } from './render.js'

describe('renderTemplate', () => {
  it('GIVEN placeholders THEN each is replaced, spaces inside the braces allowed, other text untouched', () => {
    expect(renderTemplate('# {{name}}\n{{ run }} dev; `${x}` {x}', { name: 'my-bot', run: 'pnpm' })).toBe(
      '# my-bot\npnpm dev; `${x}` {x}',
    )
  })

  it('GIVEN a placeholder without a value THEN it throws, naming the file and the known keys', () => {
    const render = () => renderTemplate('{{nmae}}', { name: 'x' }, 'README.md')
    expect(render).toThrow(CreateQqbotError)
    expect(render).toThrow('README.md uses {{nmae}}, which has no value (known: name).')
  })
})

describe('placeholderValues', () => {
  it('GIVEN a language THEN {{locale}} is it; GIVEN none THEN zh-CN, the framework default', () => {
    expect(placeholderValues({ name: 'b', template: 'basic', packageManager: 'npm', locale: 'en' }).locale).toBe('en')
    expect(placeholderValues({ name: 'b', template: 'basic', packageManager: 'npm' }).locale).toBe('zh-CN')
  })

  it('GIVEN npm THEN the commands are npm ones and the image prunes dev dependencies', () => {
    expect(placeholderValues({ name: 'b', template: 'basic', packageManager: 'npm' })).toMatchObject({
      install: 'npm install',
      run: 'npm run',
      runBuild: 'npm run build',
      lockfile: 'package-lock.json',
      ciInstall: 'npm ci',
      pruneStep: ' && npm prune --omit=dev',
      copyLocalPackages: '',
    })
  })

  it('GIVEN local packages (--from) THEN the Dockerfile line copies their folder', () => {
    expect(
      placeholderValues({ name: 'b', template: 'basic', packageManager: 'npm', localPackages: '.qqbot/packages' })
        .copyLocalPackages,
    ).toBe('COPY .qqbot/packages ./.qqbot/packages\n')
  })

  it('GIVEN yarn THEN there is no prune step; GIVEN pnpm THEN scripts run without "run"', () => {
    expect(placeholderValues({ name: 'b', template: 'webhook', packageManager: 'yarn' })).toMatchObject({
      run: 'yarn',
      pruneStep: '',
      lockfile: 'yarn.lock',
    })
    expect(placeholderValues({ name: 'b', template: 'webhook', packageManager: 'pnpm' })).toMatchObject({
      runBuild: 'pnpm build',
      template: 'webhook',
    })
  })
})
