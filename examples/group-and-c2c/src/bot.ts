/**
 * A bot for QQ groups and one-to-one (C2C) chats: scene-specific controllers, an image reply (uploaded first),
 * a markdown menu with a keyboard, button clicks (INTERACTION_CREATE) acknowledged and answered, welcome
 * messages on GROUP_ADD_ROBOT and FRIEND_ADD, and a command that only works in C2C.
 */
import { createBot, type Bot, type BotOptions, type Provider } from '@qqbot/framework'
import { GroupPolls } from './controllers/group-polls.js'
import { Interactions } from './controllers/interactions.js'
import { Menu } from './controllers/menu.js'
import { PrivateNotes } from './controllers/private-notes.js'
import { Welcome } from './controllers/welcome.js'
import { NoteBook } from './note-book.js'
import { PollBox } from './poll-box.js'
import { ExampleSettings } from './settings.js'

export { GroupPolls, Interactions, Menu, PrivateNotes, Welcome, NoteBook, PollBox, ExampleSettings }
export { DEFAULT_IMAGE_URL } from './settings.js'
export { CAT_BUTTON, voteButton, parseButtonData, type ButtonAction } from './button-data.js'
export { callbackButton, commandButton, keyboard, type KeyboardButton } from './keyboard.js'

/** The example's controllers, in the order they are registered. */
export const CONTROLLERS = [Menu, GroupPolls, PrivateNotes, Interactions, Welcome]

export interface GroupAndC2cBotOptions extends Omit<BotOptions, 'controllers'> {
  /** The image `/cat` and the 🐱 button send; default {@link DEFAULT_IMAGE_URL}. */
  imageUrl?: string
}

/** The services the controllers need; put yours after these to override one (tests do). */
export function exampleProviders(options: { imageUrl?: string } = {}): Provider[] {
  return [PollBox, NoteBook, { token: ExampleSettings, useValue: new ExampleSettings(options.imageUrl) }]
}

/** The group-and-C2C bot, ready to start. */
export function createGroupAndC2cBot(options: GroupAndC2cBotOptions): Bot {
  const { imageUrl, ...botOptions } = options
  // The example's own texts are English, so the framework's (argument errors, help, scene hints) are too.
  return createBot({
    locale: 'en',
    ...botOptions,
    controllers: CONTROLLERS,
    providers: [...exampleProviders({ imageUrl }), ...(options.providers ?? [])],
  })
}
