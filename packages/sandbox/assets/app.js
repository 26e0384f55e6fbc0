// The sandbox page: plain DOM, no framework. This module routes the sandbox's messages to the page's parts
// (chat.js, messages.js, metrics.js, traffic.js) and wires the controls.
import { addSample, drawCharts } from './charts.js'
import { renderChat, renderControls, select, showEntry, updateEntry } from './chat.js'
import { $ } from './dom.js'
import { renderMetrics } from './metrics.js'
import { ensureConversation, state } from './page-state.js'
import { connect, send } from './socket.js'
import { hideError, showError } from './status.js'
import { appendLog, clearLog } from './traffic.js'

function handle(message) {
  switch (message.type) {
    case 'hello':
      state.bot = message.bot
      $('bot-name').textContent = `chatting with ${message.bot}`
      state.scenes = message.scenes
      state.users = message.users
      state.conversations = new Map(message.conversations.map((c) => [c.info.id, { info: c.info, entries: c.entries }]))
      if (!state.scenes.some((s) => s.id === state.scene)) state.scene = state.scenes[0]?.id
      if (!state.users.some((u) => u.name === state.user)) state.user = state.users[0]?.name
      drawCharts()
      clearLog()
      for (const entry of message.log) appendLog(entry)
      renderMetrics(message.metrics)
      renderControls()
      renderChat()
      return
    case 'entry':
      ensureConversation(message.conversation).entries.push(message.entry)
      return showEntry(message.entry, message.conversation)
    case 'entry-update':
      return updateEntry(message)
    case 'log':
      return appendLog(message.entry)
    case 'metrics':
      addSample(message)
      return renderMetrics(message.metrics)
    case 'users':
      state.users = message.users
      if (message.added !== undefined && message.added === state.pendingUser) {
        state.user = message.added
        state.pendingUser = undefined
        $('new-user').value = ''
      }
      renderControls()
      renderChat()
      return
    case 'error':
      return showError(message.message)
    default:
      return showError(`Unknown message from the sandbox: ${String(message.type)}`)
  }
}

$('scene').addEventListener('change', (event) => select(event.target.value))
$('user').addEventListener('change', (event) => select(state.scene, event.target.value))
$('composer').addEventListener('submit', (event) => {
  event.preventDefault()
  const text = $('input').value
  if (text.trim() === '') return showError('Type something before sending: the message is empty.')
  hideError()
  send({ type: 'send', scene: state.scene, user: state.user, text })
  $('input').value = ''
})
$('input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault()
    $('composer').requestSubmit()
  }
})
$('add-user').addEventListener('submit', (event) => {
  event.preventDefault()
  const name = $('new-user').value.trim()
  if (name === '') return showError('Type a name for the new user first.')
  state.pendingUser = name
  send({ type: 'add-user', name })
})

connect(handle)
