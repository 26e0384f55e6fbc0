// The live channel to the sandbox: reconnects on close, hands every parsed message to `onMessage`.
import { setStatus, showError } from './status.js'

const RECONNECT_MS = 1000
let socket

export function connect(onMessage) {
  const url = new URL('/ws', location.href)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  socket = new WebSocket(url)
  socket.addEventListener('open', () => setStatus('connected', 'online'))
  socket.addEventListener('close', () => {
    setStatus('disconnected: retrying…', 'offline')
    setTimeout(() => connect(onMessage), RECONNECT_MS)
  })
  socket.addEventListener('message', (event) => {
    let message
    try {
      message = JSON.parse(event.data)
    } catch {
      return showError('The sandbox sent something that is not JSON.')
    }
    onMessage(message)
  })
}

export function send(message) {
  if (!socket || socket.readyState !== WebSocket.OPEN)
    return showError('Not connected to the sandbox; is it still running?')
  socket.send(JSON.stringify(message))
}
