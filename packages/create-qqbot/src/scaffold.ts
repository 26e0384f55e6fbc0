import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { CreateQqbotError } from './errors.js'
import { DEFAULT_LOCALE } from './locales.js'
import { placeholderValues, renderTemplate, type Answers } from './render.js'
import { TEMPLATES_ROOT, layersOf, targetName, type ProjectTemplateName } from './templates.js'

/** One file to write: where it comes from and where it goes (relative to the project, `/`-separated). */
export interface PlannedFile {
  source: string
  target: string
}

export interface ScaffoldOptions extends Answers, Pick<PlanFilesOptions, 'templatesRoot'> {
  /** The project folder: created if missing, refused if it has anything in it. */
  targetDir: string
}

export interface ScaffoldResult {
  targetDir: string
  /** The files written, relative to `targetDir`, sorted. */
  files: string[]
}

/** The language (its folder supplies the commands and their test) and where the templates are. */
export interface PlanFilesOptions extends Pick<Answers, 'locale'> {
  /** Where the templates are; default the package's own `templates/`. */
  templatesRoot?: string
}

/** The files of a template in a language: its layers merged, a later layer's file replacing an earlier one's. */
export async function planFiles(template: ProjectTemplateName, options: PlanFilesOptions = {}): Promise<PlannedFile[]> {
  const { locale = DEFAULT_LOCALE, templatesRoot = TEMPLATES_ROOT } = options
  const byTarget = new Map<string, PlannedFile>()
  for (const layer of layersOf(template, locale)) {
    const layerRoot = join(templatesRoot, layer)
    for (const source of await listFiles(layerRoot)) {
      const target = relative(layerRoot, source).split(sep).map(targetName).join('/')
      byTarget.set(target, { source, target })
    }
  }
  return [...byTarget.values()].sort((a, b) => (a.target < b.target ? -1 : 1))
}

/**
 * Writes a new project into `targetDir`. Refuses a folder that has anything in it, and never replaces a file
 * (each one is created exclusively), so running it twice cannot destroy work.
 */
export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const targetDir = resolve(options.targetDir)
  await assertTargetUsable(targetDir)
  const values = placeholderValues(options)
  const plan = await planFiles(options.template, { locale: options.locale, templatesRoot: options.templatesRoot })
  await mkdir(targetDir, { recursive: true })
  for (const file of plan) {
    const destination = join(targetDir, ...file.target.split('/'))
    const content = renderTemplate(await readFile(file.source, 'utf8'), values, file.target)
    await mkdir(dirname(destination), { recursive: true })
    try {
      await writeFile(destination, content, { flag: 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new CreateQqbotError(
          'FILE_EXISTS',
          `${destination} appeared while the project was being written; it was left as it is. Remove it or choose another folder, then run create-qqbot again.`,
          { cause: error },
        )
      }
      throw error
    }
  }
  return { targetDir, files: plan.map((file) => file.target) }
}

/** Throws unless `targetDir` is missing or an empty folder. */
export async function assertTargetUsable(targetDir: string): Promise<void> {
  const info = await stat(targetDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (!info) return
  if (!info.isDirectory()) {
    throw new CreateQqbotError(
      'TARGET_NOT_DIRECTORY',
      `${targetDir} exists and is not a folder. Choose another project name or folder.`,
    )
  }
  const entries = await readdir(targetDir)
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '')
    throw new CreateQqbotError(
      'TARGET_NOT_EMPTY',
      `The folder ${targetDir} is not empty (it has ${shown}). create-qqbot never overwrites files: choose a new folder name, or empty ${basename(targetDir)} first.`,
    )
  }
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
}
