// Small live charts of the watched bot: events per second, reply latency (p50, p99) and queue depth, one
// sample per metrics message (every second). Hand-drawn SVG polylines: no chart library.
import { $, el } from './dom.js'

const SAMPLES = 60
const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 120
const HEIGHT = 32
const samples = []
let previous

const CHARTS = [
  {
    id: 'events',
    title: 'events/s',
    series: [{ key: 'eventsPerSecond', className: 'line-a' }],
    label: (s) => formatNumber(s.eventsPerSecond),
  },
  {
    id: 'latency',
    title: 'reply latency',
    series: [
      { key: 'p50', className: 'line-a' },
      { key: 'p99', className: 'line-b' },
    ],
    label: (s) => (s.p50 === undefined ? 'no reply yet' : `p50 ${s.p50} ms · p99 ${s.p99} ms`),
  },
  {
    id: 'queue',
    title: 'queue depth',
    series: [{ key: 'queued', className: 'line-a' }],
    label: (s) => String(s.queued),
  },
]

/** Adds the sample of one metrics message (`{ at, metrics, latency }`) and redraws. */
export function addSample(message) {
  if (!message.metrics || message.metrics.length === 0) return
  const dispatched = sum(
    message.metrics.map(({ snapshot }) => sum(Object.values(snapshot.counters.events_dispatched ?? {}))),
  )
  const queued = sum(message.metrics.map(({ snapshot }) => snapshot.gauges.pipeline_queued ?? 0))
  const seconds = previous ? (message.at - previous.at) / 1000 : 0
  const eventsPerSecond = seconds > 0 ? Math.max(0, dispatched - previous.dispatched) / seconds : 0
  previous = { at: message.at, dispatched }
  samples.push({ eventsPerSecond, queued, p50: message.latency?.p50, p99: message.latency?.p99 })
  if (samples.length > SAMPLES) samples.shift()
  drawCharts()
}

/** Draws the charts from the samples so far (empty frames before the first). */
export function drawCharts() {
  const last = samples.at(-1)
  $('charts').replaceChildren(
    ...CHARTS.map((chart) => {
      const max = Math.max(1, ...chart.series.flatMap(({ key }) => samples.map((s) => s[key] ?? 0)))
      const svg = svgNode('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', role: 'img' })
      const value = last ? chart.label(last) : '–'
      svg.append(svgNode('title', {}, `${chart.title}: ${value}`))
      for (const { key, className } of chart.series) {
        const points = samples.map((s, i) => {
          const x = (WIDTH * (i + SAMPLES - samples.length)) / (SAMPLES - 1)
          const y = HEIGHT - 1 - ((HEIGHT - 2) * (s[key] ?? 0)) / max
          return `${x.toFixed(1)},${y.toFixed(1)}`
        })
        svg.append(svgNode('polyline', { points: points.join(' '), class: className }))
      }
      return el('figure', { testid: `chart-${chart.id}`, className: 'chart' }, [
        el('figcaption', {}, [el('span', { text: chart.title }), el('strong', { testid: 'chart-value', text: value })]),
        svg,
      ])
    }),
  )
}

function svgNode(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag)
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value)
  if (text !== undefined) node.textContent = text
  return node
}

function sum(values) {
  return values.reduce((total, value) => total + value, 0)
}

function formatNumber(value) {
  return value >= 10 ? String(Math.round(value)) : value.toFixed(1)
}

drawCharts()
