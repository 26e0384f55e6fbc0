/**
 * create-qqbot: scaffolds a qqbot project. The CLI is `npx create-qqbot my-bot`; `scaffold()` is the same
 * without prompts or installing, for tools and tests.
 */
export {
  scaffold,
  planFiles,
  assertTargetUsable,
  type ScaffoldOptions,
  type PlanFilesOptions,
  type ScaffoldResult,
  type PlannedFile,
} from './scaffold.js'
export { LOCALES, LOCALE_NAMES, DEFAULT_LOCALE, type Locale, type LocaleDefinition } from './locales.js'
export {
  TEMPLATES,
  TEMPLATE_NAMES,
  DEFAULT_TEMPLATE,
  PLUGIN_TEMPLATE,
  type TemplateName,
  type ProjectTemplateName,
  type TemplateDefinition,
} from './templates.js'
export {
  PACKAGE_MANAGERS,
  PACKAGE_MANAGER_NAMES,
  detectPackageManager,
  type PackageManagerName,
  type PackageManagerCommands,
} from './package-managers.js'
export { parseFlags, planFromFlags, packageNameProblem, pluginPackageName, type Flags, type Plan } from './options.js'
export { renderTemplate, placeholderValues, type Answers } from './render.js'
export { runCli, EXIT_OK, EXIT_ERROR, EXIT_CANCELLED, type CliEnvironment } from './run-cli.js'
export { readClone, packagesNeeded, assertBuilt, type Clone, type WorkspacePackage } from './clone.js'
export { useClone, pointAtPackages, PACKAGES_FOLDER } from './from-clone.js'
export { lockfileFor, type LockEntry, type PackedPackage, type ProjectManifest } from './lockfile.js'
export { installDependencies, missingQqbotPackage } from './install.js'
export { CreateQqbotError, CancelledError, type CreateQqbotErrorCode } from './errors.js'
