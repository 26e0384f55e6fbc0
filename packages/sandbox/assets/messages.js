// One chat entry as the page draws it: the user's text, a notice, or a bot reply with its parts and buttons.
// Bot content is only ever inserted as text, except markdown, which goes through renderMarkdown (escapes first,
// emits a fixed set of tags).
import { $, el, isHttpUrl } from './dom.js'
import { renderMarkdown } from './markdown.js'
import { state } from './page-state.js'
import { send } from './socket.js'

export function renderEntry(entry, info) {
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
