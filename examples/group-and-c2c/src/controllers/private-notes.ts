import { z } from 'zod'
import { Command, CommandContext, Controller, Rest } from '@qqbot/framework'
import { NoteBook } from '../note-book.js'

/**
 * C2C-only commands: notes are private, so they only work in a one-to-one chat. In a group the framework
 * ignores `/note` (and `/help` there does not list it); in C2C no prefix is needed (`note buy milk` works).
 */
@Controller({ scenes: ['c2c'] })
export class PrivateNotes {
  constructor(private readonly book: NoteBook) {}

  @Command('note', { aliases: ['记'], description: 'Keep a private note' })
  note(
    @Rest('text', z.string().trim().min(1).max(200), { description: 'the note' }) text: string,
    ctx: CommandContext,
  ): string {
    const count = this.book.add(ctx.userId ?? '?', text)
    return `📒 Noted (${count} so far). /notes lists them.`
  }

  @Command('notes', { description: 'List your private notes' })
  notes(ctx: CommandContext): string {
    const notes = this.book.list(ctx.userId ?? '?')
    return notes.length === 0
      ? '📒 No notes yet: /note <text> adds one.'
      : notes.map((note, index) => `${index + 1}. ${note}`).join('\n')
  }
}
