// The traffic panel: one line per gateway frame or REST call, expanding to its JSON (secrets redacted by the
// sandbox), with the reply latency on calls that answer a message; filtered by text, heartbeats hidden.
import { $, el } from './dom.js'

const MAX_LOG_LINES = 500
/** The panel keeps the newest line in view until the reader scrolls up, and again once they scroll back down. */
let following = true

export function clearLog() {
  $('log').replaceChildren()
}

export function appendLog(entry) {
  const log = $('log')
  const summary = el('summary', {}, [el('time', { text: new Date(entry.at).toLocaleTimeString() }), entry.text])
  if (entry.latencyMs !== undefined)
    summary.append(
      el('span', {
        testid: 'log-latency',
        className: 'latency',
        text: `${entry.latencyMs} ms`,
        title: 'reply latency',
      }),
    )
  const line = el('li', { testid: 'log-entry', className: entry.kind }, [
    entry.detail === undefined
      ? summary
      : el('details', {}, [summary, el('pre', { testid: 'log-detail', text: entry.detail })]),
  ])
  if (entry.heartbeat) line.dataset.heartbeat = ''
  line.hidden = !shown(line)
  log.append(line)
  while (log.childElementCount > MAX_LOG_LINES) log.firstElementChild.remove()
  if (following) log.scrollTop = log.scrollHeight
}

function shown(line) {
  if ($('hide-heartbeats').checked && line.dataset.heartbeat !== undefined) return false
  const filter = $('log-filter').value.trim().toLowerCase()
  return filter === '' || line.querySelector('summary').textContent.toLowerCase().includes(filter)
}

function applyFilter() {
  for (const line of $('log').children) line.hidden = !shown(line)
}

$('log').addEventListener('scroll', () => {
  const log = $('log')
  following = log.scrollHeight - log.scrollTop - log.clientHeight < 24
})
$('log-filter').addEventListener('input', applyFilter)
$('hide-heartbeats').addEventListener('change', applyFilter)
