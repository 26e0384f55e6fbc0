/**
 * The languages a generated bot can speak. The value is the framework's `locale` option (`createBot`,
 * `createTestBot`), which picks the framework's own reply texts; the template's command descriptions, replies
 * and tests come from `templates/locales/<locale>/`.
 */
export const LOCALES = [
  { name: 'zh-CN', label: '简体中文 (zh-CN)' },
  { name: 'en', label: 'English (en)' },
] as const satisfies readonly LocaleDefinition[]

export interface LocaleDefinition {
  /** The `--lang` value and the framework's `locale`. */
  name: string
  /** Shown in the prompt's list. */
  label: string
}

export type Locale = (typeof LOCALES)[number]['name']

export const LOCALE_NAMES: readonly Locale[] = LOCALES.map((locale) => locale.name)

/** The framework's default language, so a project made with `--yes` answers like a bot without the option. */
export const DEFAULT_LOCALE: Locale = 'zh-CN'
