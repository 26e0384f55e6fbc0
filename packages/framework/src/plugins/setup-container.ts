import type { DependencyContainer } from 'tsyringe'

/*
 * The plugin's DI container in its setup context, where a plugin registers what its controllers inject (its
 * parsed config, typically). Declared here because the bot that runs `setup` lands separately; the declaration
 * is identical to the one that comes with it, so the two merge.
 */
declare module './define-plugin.js' {
  // An augmentation repeats the interface's type parameters by name, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginSetupContext<Config> {
    /** The plugin's own DI container (a child of the bot's): its providers, the bot's, and what required plugins export. */
    readonly container: DependencyContainer
  }
}
