// What the page knows: the sandbox's scenes, users and conversations, and what the person at the page picked.

export const state = {
  bot: 'bot',
  scenes: [],
  users: [],
  /** id → { info, entries } */
  conversations: new Map(),
  unread: new Map(),
  scene: 'group',
  user: 'alice',
  pendingUser: undefined,
}

export function currentConversation() {
  return state.users.find((u) => u.name === state.user)?.conversations[state.scene]
}

export function ensureConversation(info) {
  let conversation = state.conversations.get(info.id)
  if (!conversation) state.conversations.set(info.id, (conversation = { info, entries: [] }))
  return conversation
}
