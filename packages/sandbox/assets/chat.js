// The scene and user pickers, the conversation list and the open chat.
import { $, el, option } from './dom.js'
import { watchForAnswer } from './hints.js'
import { renderEntry } from './messages.js'
import { currentConversation, ensureConversation, state } from './page-state.js'

export function select(scene, user) {
  state.scene = scene
  if (user !== undefined) state.user = user
  renderControls()
  renderChat()
}

export function renderControls() {
  $('scene').replaceChildren(...state.scenes.map((s) => option(s.id, s.label)))
  $('scene').value = state.scene
  $('user').replaceChildren(...state.users.map((u) => option(u.name, u.name)))
  $('user').value = state.user
  renderConversationList()
}

export function renderConversationList() {
  const current = currentConversation()?.id
  const items = [...state.conversations.values()]
    .filter((c) => c.entries.length > 0 || c.info.id === current)
    .map(({ info }) => {
      const unread = state.unread.get(info.id) ?? 0
      const item = el(
        'li',
        { testid: 'conversation-item', className: info.id === current ? 'current' : '', title: info.id },
        [info.title],
      )
      if (unread > 0) item.append(el('span', { className: 'unread', text: String(unread) }))
      item.addEventListener('click', () => select(info.scene, info.owner))
      return item
    })
  $('conversations').replaceChildren(...items)
}

export function renderChat() {
  const info = currentConversation()
  if (!info) return
  state.unread.delete(info.id)
  $('title').textContent = info.title
  const entries = state.conversations.get(info.id)?.entries ?? []
  $('messages').replaceChildren(...entries.map((entry) => decorate(renderEntry(entry, info), entry)))
  $('messages').dataset.conversation = info.id
  renderConversationList()
  scrollToEnd()
}

/** Shows a new entry: appended to the open chat, or counted as unread in its conversation. */
export function showEntry(entry, info) {
  watchForAnswer(entry, info)
  if (info.id === currentConversation()?.id) {
    $('messages').append(decorate(renderEntry(entry, info), entry))
    scrollToEnd()
  } else {
    state.unread.set(info.id, (state.unread.get(info.id) ?? 0) + 1)
  }
  renderConversationList()
}

/** A bot message shown again (a stream that grew): its bubble is redrawn in place. */
export function updateEntry({ conversation, entry }) {
  const entries = ensureConversation(conversation).entries
  const index = entries.findIndex((e) => e.kind === 'bot' && e.messageId === entry.messageId)
  if (index >= 0) entries[index] = entry
  if (conversation.id !== currentConversation()?.id) return
  const shown = [...$('messages').children].find((node) => node.dataset.messageId === entry.messageId)
  shown?.replaceWith(decorate(renderEntry(entry, conversation), entry))
  scrollToEnd()
}

/**
 * Adds who and when to a rendered entry as data attributes the stylesheet draws (an avatar with initials, the
 * time under the bubble), so they stay out of the entry's text.
 */
function decorate(node, entry) {
  if (entry.at !== undefined) {
    const at = new Date(entry.at)
    node.dataset.time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    node.title = at.toLocaleString()
  }
  if (entry.kind === 'user' || entry.kind === 'bot')
    node.dataset.initials = initials(entry.kind === 'user' ? entry.user : state.bot)
  return node
}

function initials(name) {
  const parts = String(name)
    .split(/[\s_-]+/)
    .filter(Boolean)
  const letters = parts.length > 1 ? parts[0][0] + parts[1][0] : String(name).slice(0, 1)
  return letters.toUpperCase()
}

function scrollToEnd() {
  const messages = $('messages')
  messages.scrollTop = messages.scrollHeight
}
