import { Injectable } from '@qqbot/framework'

/** Private notes per user openid, newest last; at most `perUser` kept per user. */
@Injectable()
export class NoteBook {
  readonly perUser = 20

  private readonly notes = new Map<string, string[]>()
  add(user: string, text: string): number {
    const list = this.notes.get(user) ?? []
    list.push(text)
    if (list.length > this.perUser) list.shift()
    this.notes.set(user, list)
    return list.length
  }

  list(user: string): readonly string[] {
    return this.notes.get(user) ?? []
  }
}
