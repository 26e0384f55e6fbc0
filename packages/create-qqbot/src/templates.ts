import { fileURLToPath } from 'node:url'
import type { Locale } from './locales.js'

/**
 * The project templates. A template is a stack of folders under `templates/`, copied in order; a file in a
 * later folder replaces the file with the same path in an earlier one. The language's folder
 * (`locales/<locale>`: the commands and their tests, whose texts the user sees) comes right after `shared`.
 * A new template is a folder plus an entry here.
 */
export const TEMPLATES = [
  {
    name: 'basic',
    hint: 'events over the WebSocket gateway: nothing to expose, runs anywhere',
    description: 'A QQ bot on qqbot (gateway delivery)',
    layers: ['shared', 'basic'],
  },
  {
    name: 'webhook',
    hint: 'events as signed HTTP callbacks: needs a public HTTPS URL',
    description: 'A QQ bot on qqbot (webhook delivery)',
    layers: ['shared', 'webhook'],
  },
  {
    name: 'distributed',
    hint: 'ingress + worker processes over Redis: scale out, survive a lost process',
    description: 'A QQ bot on qqbot (ingress and workers over Redis)',
    layers: ['shared', 'distributed'],
  },
] as const satisfies readonly TemplateDefinition[]

export interface TemplateDefinition {
  /** Shown in the prompt's list, and the `--template` value. */
  name: string
  /** One line shown next to the name. */
  hint: string
  /** The generated package.json's description. */
  description: string
  /** Folders under `templates/`, copied in order (later ones win). */
  layers: readonly string[]
}

export type TemplateName = (typeof TEMPLATES)[number]['name']

/**
 * The plugin package (`create-qqbot --plugin <name>`): not a bot, so not among the `--template` choices. Its
 * language's folder (`plugin/locales/<locale>`: the plugin, its test, its README) comes after its shared files.
 */
export const PLUGIN_TEMPLATE = {
  name: 'plugin',
  hint: 'a plugin package to publish on npm (create-qqbot --plugin <name>)',
  description: 'A qqbot plugin',
  layers: ['plugin/shared', 'plugin/locales/{locale}'],
} as const satisfies TemplateDefinition

/** What a project is made from: a bot template, or the plugin package. */
export type ProjectTemplateName = TemplateName | (typeof PLUGIN_TEMPLATE)['name']

export const TEMPLATE_NAMES: readonly TemplateName[] = TEMPLATES.map((template) => template.name)

export const DEFAULT_TEMPLATE: TemplateName = 'basic'

export function templateByName(name: ProjectTemplateName): TemplateDefinition {
  return name === PLUGIN_TEMPLATE.name ? PLUGIN_TEMPLATE : TEMPLATES.find((template) => template.name === name)!
}

/**
 * The folders a project in that language is copied from, in order: for a bot `shared`, the language's, the
 * template's; a layer may name its language's folder itself with `{locale}`.
 */
export function layersOf(template: ProjectTemplateName, locale: Locale): string[] {
  return templateByName(template).layers.flatMap((layer) =>
    layer === SHARED_LAYER ? [layer, `${LOCALES_FOLDER}/${locale}`] : [layer.replace('{locale}', locale)],
  )
}

const SHARED_LAYER = 'shared'
const LOCALES_FOLDER = 'locales'

/** The package's `templates/` folder (next to `src/` and `dist/`). */
export const TEMPLATES_ROOT = fileURLToPath(new URL('../templates/', import.meta.url))

/**
 * npm drops some files from a published package (`.gitignore`, and `.env*` files are easy to lose too), so
 * templates store dot-files with a leading `_` instead: `_gitignore` becomes `.gitignore`. A `.template` suffix
 * is dropped: the plugin's `package.json.template` has `exports`, which tools reading create-qqbot's own
 * package (publint, bundlers) would take for a nested package's.
 */
export function targetName(templateFileName: string): string {
  const name = templateFileName.replace(/\.template$/, '')
  return name.startsWith('_') ? `.${name.slice(1)}` : name
}
