import { DEFAULT_LOCALE, LOCALE_NAMES } from './locales.js'
import { PACKAGE_MANAGER_NAMES } from './package-managers.js'
import { DEFAULT_TEMPLATE, TEMPLATES } from './templates.js'

/** The text of `create-qqbot --help`. */
export function helpText(version: string): string {
  const width = Math.max(...TEMPLATES.map((template) => template.name.length))
  return `create-qqbot ${version}: create a QQ bot project on qqbot

Usage: create-qqbot [folder] [options]
       create-qqbot --plugin <name> [folder] [options]
       npm create qqbot@latest my-bot -- --template webhook

Options:
  -n, --name <name>        the package name (default: the folder's name)
  -t, --template <name>    ${TEMPLATES.map((template) => template.name).join(' | ')} (default: ${DEFAULT_TEMPLATE})
  -p, --plugin <name>      make a plugin package (qqbot-plugin-<name>) to publish on npm, instead of a bot
      --lang <locale>      ${LOCALE_NAMES.join(' | ')}: the language of the bot's replies, command descriptions
                           and tests (default: ${DEFAULT_LOCALE})
      --pm <manager>       ${PACKAGE_MANAGER_NAMES.join(' | ')}: for the install step and the commands shown
                           (default: the one that runs create-qqbot, else npm)
      --from <clone>       install the qqbot packages from a clone of the qqbot repository (built with
                           npm ci && npm run build) instead of the npm registry; npm only
      --install            install the dependencies after writing the files (the default)
      --no-install         only write the files
  -y, --yes                accept the default for every question no flag answers
  -h, --help               show this help
  -v, --version            print the version

Templates:
${TEMPLATES.map((template) => `  ${template.name.padEnd(width)}  ${template.hint}`).join('\n')}

Without a terminal (CI, a pipe) nothing is asked: unanswered questions take their defaults.
The folder must be new or empty; no file is ever overwritten.
Until the qqbot packages are published on npm, create projects from a clone: npm run create -- <folder>
Exit codes: 0 done, 1 error, 130 cancelled.
`
}
