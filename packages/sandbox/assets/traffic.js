// The traffic panel: gateway frames and REST calls, bounded.
import { $, el } from './dom.js'

const MAX_LOG_LINES = 500

export function clearLog() {
  $('log').replaceChildren()
}

export function appendLog(entry) {
  const log = $('log')
  const time = new Date(entry.at).toLocaleTimeString()
  log.append(el('li', { testid: 'log-entry', className: entry.kind }, [el('time', { text: time }), entry.text]))
  while (log.childElementCount > MAX_LOG_LINES) log.firstElementChild.remove()
  log.scrollTop = log.scrollHeight
}
