import { Command, Controller } from '@qqbot/framework'
import type { ReplyContent } from '@qqbot/core'
import { CAT_BUTTON } from '../button-data.js'
import { callbackButton, commandButton, keyboard } from '../keyboard.js'
import { ExampleSettings } from '../settings.js'

const MENU_MARKDOWN = [
  '**Group & C2C demo**',
  '- `/cat`: a picture (uploaded first, then sent)',
  '- `/poll <question>`: a yes/no vote with buttons (groups)',
  '- `/note <text>`, `/notes`: private notes (one-to-one chats)',
].join('\n')

/** Commands for both groups and one-to-one chats: a markdown menu with buttons, and an image. */
@Controller({ scenes: ['group', 'c2c'] })
export class Menu {
  constructor(private readonly settings: ExampleSettings) {}

  @Command('menu', { aliases: ['菜单'], description: 'What this bot can do, with buttons' })
  menu(): ReplyContent {
    return {
      markdown: { content: MENU_MARKDOWN },
      keyboard: keyboard([callbackButton('cat', '🐱 Cat', CAT_BUTTON), commandButton('help', '📖 Help', '/help')]),
    }
  }

  @Command('cat', { description: 'Send a picture' })
  cat(): ReplyContent {
    // In groups and C2C the core uploads the URL first (srv_send_msg: false) and sends msg_type 7 with the file_info.
    return { image: this.settings.imageUrl, content: '🐱' }
  }
}
