// The metrics panel.
import { $, el } from './dom.js'

export function renderMetrics(metrics) {
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
