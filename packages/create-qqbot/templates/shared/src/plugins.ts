import { discoverPlugins } from '@qqbot/framework'

/**
 * The plugins listed in package.json (`"qqbot": { "plugins": { "./dist/plugins": {} } }`) or qqbot.config.js,
 * built and with their configs; none until you list some. Under `{{run}} dev`, saving a plugin's module reloads
 * just that plugin in place.
 */
export const plugins = await discoverPlugins({ root: new URL('..', import.meta.url) })
