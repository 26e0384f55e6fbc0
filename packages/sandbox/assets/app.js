// The sandbox page: plain DOM, no framework. Bot content is only ever inserted as text, except markdown,
// which goes through renderMarkdown (escapes first, emits a fixed set of tags).
import { renderMarkdown } from './markdown.js'

const $ = (id) => document.getElementById(id)
const MAX_LOG_LINES = 500
const state = {
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
let socket
let errorTimer

// ------------------------------------------------------------------ socket

function connect() {
  const url = new URL('/ws', location.href)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  socket = new WebSocket(url)
  socket.addEventListener('open', () => setStatus('connected', 'online'))
  socket.addEventListener('close', () => {
    setStatus('disconnected: retrying…', 'offline')
    setTimeout(connect, 1000)
  })
  socket.addEventListener('message', (event) => {
    let message
    try {
      message = JSON.parse(event.data)
    } catch {
      return showError('The sandbox sent something that is not JSON.')
    }
    handle(message)
  })
}

function send(message) {
  if (!socket || socket.readyState !== WebSocket.OPEN)
    return showError('Not connected to the sandbox; is it still running?')
  socket.send(JSON.stringify(message))
}

function handle(message) {
  switch (message.type) {
    case 'hello':
      state.bot = message.bot
      state.scenes = message.scenes
      state.users = message.users
      state.conversations = new Map(message.conversations.map((c) => [c.info.id, { info: c.info, entries: c.entries }]))
      if (!state.scenes.some((s) => s.id === state.scene)) state.scene = state.scenes[0]?.id
      if (!state.users.some((u) => u.name === state.user)) state.user = state.users[0]?.name
      $('log').replaceChildren()
      for (const entry of message.log) appendLog(entry)
      renderMetrics(message.metrics)
      renderControls()
      renderChat()
      return
    case 'entry': {
      const conversation = ensureConversation(message.conversation)
      conversation.entries.push(message.entry)
      if (message.conversation.id === currentConversation()?.id) {
        $('messages').append(renderEntry(message.entry, message.conversation))
        scrollToEnd()
      } else {
        state.unread.set(message.conversation.id, (state.unread.get(message.conversation.id) ?? 0) + 1)
      }
      renderConversationList()
      return
    }
    case 'entry-update':
      return updateEntry(message)
    case 'log':
      return appendLog(message.entry)
    case 'metrics':
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

// ------------------------------------------------------------------ state helpers

function currentConversation() {
  return state.users.find((u) => u.name === state.user)?.conversations[state.scene]
}

function ensureConversation(info) {
  let conversation = state.conversations.get(info.id)
  if (!conversation) state.conversations.set(info.id, (conversation = { info, entries: [] }))
  return conversation
}

/** A bot message shown again (a stream that grew): its bubble is redrawn in place. */
function updateEntry({ conversation, entry }) {
  const entries = ensureConversation(conversation).entries
  const index = entries.findIndex((e) => e.kind === 'bot' && e.messageId === entry.messageId)
  if (index >= 0) entries[index] = entry
  if (conversation.id !== currentConversation()?.id) return
  const shown = [...$('messages').children].find((node) => node.dataset.messageId === entry.messageId)
  shown?.replaceWith(renderEntry(entry, conversation))
  scrollToEnd()
}

function select(scene, user) {
  state.scene = scene
  if (user !== undefined) state.user = user
  renderControls()
  renderChat()
}

// ------------------------------------------------------------------ rendering

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') node.textContent = value
    else if (key === 'testid') node.dataset.testid = value
    else if (key === 'className') node.className = value
    else node.setAttribute(key, value)
  }
  node.append(...children)
  return node
}

function option(value, label) {
  const node = el('option', { value, text: label })
  return node
}

function renderControls() {
  $('scene').replaceChildren(...state.scenes.map((s) => option(s.id, s.label)))
  $('scene').value = state.scene
  $('user').replaceChildren(...state.users.map((u) => option(u.name, u.name)))
  $('user').value = state.user
  renderConversationList()
}

function renderConversationList() {
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

function renderChat() {
  const info = currentConversation()
  if (!info) return
  state.unread.delete(info.id)
  $('title').textContent = info.title
  const entries = state.conversations.get(info.id)?.entries ?? []
  $('messages').replaceChildren(...entries.map((entry) => renderEntry(entry, info)))
  $('messages').dataset.conversation = info.id
  renderConversationList()
  scrollToEnd()
}

function renderEntry(entry, info) {
  if (entry.kind === 'user') {
    return el('li', { testid: 'entry-user', className: 'entry-user' }, [
      el('span', { className: 'who', text: entry.user }),
      el('span', { text: entry.text }),
    ])
  }
  if (entry.kind === 'notice') return el('li', { testid: 'entry-notice', className: 'entry-notice', text: entry.text })
  const view = entry.view
  const item = el('li', { testid: 'entry-bot', className: 'entry-bot', 'data-message-id': entry.messageId }, [
    el('span', { className: 'who', text: state.bot }),
  ])
  if (view.streaming) {
    item.classList.add('streaming')
    item.dataset.streaming = 'true'
  }
  if (view.text !== undefined)
    item.append(el('div', { testid: 'reply-text', className: 'reply-text', text: view.text }))
  if (view.markdown !== undefined) {
    const markdown = el('div', { testid: 'reply-markdown', className: 'reply-markdown' })
    markdown.innerHTML = renderMarkdown(view.markdown)
    item.append(markdown)
  }
  if (view.markdownTemplate) {
    const params = view.markdownTemplate.params.map((p) => `${p.key}=${p.values.join(', ')}`).join('\n')
    item.append(
      el('div', {
        testid: 'reply-template',
        className: 'reply-template',
        text: `markdown template ${view.markdownTemplate.id}\n${params}`,
      }),
    )
  }
  if (view.image !== undefined && isHttpUrl(view.image))
    item.append(
      el('img', {
        testid: 'reply-image',
        className: 'reply-image',
        src: view.image,
        alt: 'image from the bot',
        referrerpolicy: 'no-referrer',
      }),
    )
  if (view.media)
    item.append(
      el('div', {
        testid: 'reply-media',
        className: 'reply-media',
        text: mediaLabel(view.media),
      }),
    )
  for (const block of view.structured ?? [])
    item.append(
      el('pre', { testid: 'reply-structured', className: 'reply-structured', text: `${block.kind}: ${block.json}` }),
    )
  if (view.keyboardTemplate !== undefined)
    item.append(
      el('div', {
        testid: 'reply-template',
        className: 'reply-template',
        text: `keyboard template ${view.keyboardTemplate}`,
      }),
    )
  if (view.keyboard && view.keyboard.length > 0) item.append(renderKeyboard(view.keyboard, entry, info))
  return item
}

/** `[image] cat.png, 12.0 KB: https://…`: the kind, and the name, size and URL where the upload showed them. */
function mediaLabel(media) {
  const size = media.bytes === undefined ? undefined : formatBytes(media.bytes)
  const about = [media.name, size].filter((part) => part !== undefined).join(', ')
  const where = media.url ?? (about ? '' : '(uploaded file, URL unknown)')
  return `[${media.kind}]${about ? ` ${about}` : ''}${where ? `${about ? ':' : ''} ${where}` : ''}`
}

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

function renderKeyboard(rows, entry, info) {
  const keyboard = el('div', { testid: 'keyboard', className: 'keyboard' })
  for (const row of rows) {
    const line = el('div', { className: 'keyboard-row' })
    for (const button of row) {
      if (button.action === 'link') {
        const link = isHttpUrl(button.data)
          ? el('a', {
              testid: 'keyboard-button',
              className: `style-${button.style}`,
              href: button.data,
              target: '_blank',
              rel: 'noopener noreferrer',
              text: button.label,
            })
          : el('button', {
              testid: 'keyboard-button',
              className: `style-${button.style}`,
              disabled: '',
              title: 'only http(s) links are opened',
              text: button.label,
            })
        line.append(link)
        continue
      }
      const node = el('button', {
        testid: 'keyboard-button',
        type: 'button',
        className: `style-${button.style}`,
        text: button.label,
        'data-action': button.action,
      })
      node.addEventListener('click', () => clickButton(button, entry, info))
      line.append(node)
    }
    keyboard.append(line)
  }
  return keyboard
}

function clickButton(button, entry, info) {
  if (button.action === 'callback') {
    return send({
      type: 'click',
      conversation: info.id,
      messageId: entry.messageId,
      buttonId: button.id,
      user: info.owner ?? state.user,
    })
  }
  // A command button types its text for the user; `enter` sends it at once.
  if (button.enter) return send({ type: 'send', scene: info.scene, user: info.owner ?? state.user, text: button.data })
  $('input').value = button.data
  $('input').focus()
}

function renderMetrics(metrics) {
  if (!metrics || metrics.length === 0) return
  const rows = []
  for (const { name, snapshot } of metrics) {
    rows.push(el('tr', {}, [el('td', { colspan: '2' }, [el('strong', { text: name })])]))
    for (const [counter, series] of Object.entries(snapshot.counters)) {
      for (const [labels, value] of Object.entries(series)) {
        rows.push(
          el('tr', { testid: 'metric-row', 'data-name': counter }, [
            el('td', { text: labels ? `${counter}{${labels}}` : counter }),
            el('td', { text: String(value) }),
          ]),
        )
      }
    }
    for (const [gauge, value] of Object.entries(snapshot.gauges)) {
      rows.push(
        el('tr', { testid: 'metric-row', 'data-name': gauge }, [
          el('td', { text: gauge }),
          el('td', { text: String(value) }),
        ]),
      )
    }
  }
  $('metrics').replaceChildren(el('table', {}, [el('tbody', {}, rows)]))
}

function appendLog(entry) {
  const log = $('log')
  const time = new Date(entry.at).toLocaleTimeString()
  log.append(el('li', { testid: 'log-entry', className: entry.kind }, [el('time', { text: time }), entry.text]))
  while (log.childElementCount > MAX_LOG_LINES) log.firstElementChild.remove()
  log.scrollTop = log.scrollHeight
}

function scrollToEnd() {
  const messages = $('messages')
  messages.scrollTop = messages.scrollHeight
}

function setStatus(text, className) {
  const status = $('status')
  status.textContent = text
  status.className = `status ${className}`
}

function showError(text) {
  const error = $('error')
  error.textContent = text
  error.hidden = false
  clearTimeout(errorTimer)
  errorTimer = setTimeout(() => (error.hidden = true), 8000)
}

function isHttpUrl(value) {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

// ------------------------------------------------------------------ controls

$('scene').addEventListener('change', (event) => select(event.target.value))
$('user').addEventListener('change', (event) => select(state.scene, event.target.value))
$('composer').addEventListener('submit', (event) => {
  event.preventDefault()
  const text = $('input').value
  if (text.trim() === '') return showError('Type something before sending: the message is empty.')
  $('error').hidden = true
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

connect()
