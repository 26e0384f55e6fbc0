// `{{run}} readme`: writes the config table of README.md from the plugin's zod schema (built first, to dist/).
import { readFile, writeFile } from 'node:fs/promises'
import { configTable } from '@qqbot/framework'
import plugin from '../dist/index.js'

const START = '<!-- config:start -->'
const END = '<!-- config:end -->'
const readmePath = new URL('../README.md', import.meta.url)

const readme = await readFile(readmePath, 'utf8')
const start = readme.indexOf(START)
const end = readme.indexOf(END)
if (start === -1 || end < start) {
  console.error(`README.md needs the markers ${START} and ${END} around the config table.`)
  process.exit(1)
}
const table = configTable(plugin.declaration.config, { locale: '{{locale}}' })
const updated = `${readme.slice(0, start + START.length)}\n${table}${readme.slice(end)}`
if (updated === readme) {
  console.log('README.md: the config table is up to date.')
} else {
  await writeFile(readmePath, updated)
  console.log('README.md: the config table was rewritten from the schema.')
}
