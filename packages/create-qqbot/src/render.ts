import { CreateQqbotError } from './errors.js'
import { DEFAULT_LOCALE, type Locale } from './locales.js'
import { PACKAGE_MANAGERS, type PackageManagerName } from './package-managers.js'
import { templateByName, type ProjectTemplateName } from './templates.js'

/** What the user chose. */
export interface Answers {
  /** The npm package name of the generated project. */
  name: string
  template: ProjectTemplateName
  /** With the plugin template: the plugin's name (`definePlugin({ name })`), e.g. `greet` in `qqbot-plugin-greet`. */
  plugin?: string
  /** The language of the bot's replies, command descriptions and tests. Default `zh-CN` ({@link DEFAULT_LOCALE}). */
  locale?: Locale
  packageManager: PackageManagerName
  /**
   * The folder, relative to the project, of the packed qqbot packages it installs from (`--from`); the
   * Dockerfile copies it before installing. Absent for a project that installs from the registry.
   */
  localPackages?: string
}

/** The `{{key}}` values every template file may use. */
export function placeholderValues(answers: Answers): Record<string, string> {
  const pm = PACKAGE_MANAGERS[answers.packageManager]
  return {
    name: answers.name,
    description: templateByName(answers.template).description,
    template: answers.template,
    pluginName: answers.plugin ?? '',
    locale: answers.locale ?? DEFAULT_LOCALE,
    install: pm.install,
    run: pm.run,
    lockfile: pm.lockfile,
    ciInstall: pm.ciInstall,
    runBuild: `${pm.run} build`,
    pruneStep: pm.prune ? ` && ${pm.prune}` : '',
    // A whole line, or nothing: the Dockerfile has it right before the install.
    copyLocalPackages: answers.localPackages ? `COPY ${answers.localPackages} ./${answers.localPackages}\n` : '',
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][\w]*)\s*\}\}/g

/** Replaces every `{{key}}`; a key without a value is a bug in the template, reported with the file's name. */
export function renderTemplate(
  text: string,
  values: Readonly<Record<string, string>>,
  fileName = 'a template file',
): string {
  return text.replace(PLACEHOLDER, (_match, key: string) => {
    const value = values[key]
    if (value === undefined) {
      throw new CreateQqbotError(
        'TEMPLATE_BROKEN',
        `${fileName} uses {{${key}}}, which has no value (known: ${Object.keys(values).join(', ')}). This is a bug in create-qqbot.`,
      )
    }
    return value
  })
}
