// The connection status in the header and the error line under the chat.
import { $ } from './dom.js'

const ERROR_SHOWN_MS = 8000
let errorTimer

export function setStatus(text, className) {
  const status = $('status')
  status.textContent = text
  status.className = `status ${className}`
}

export function showError(text) {
  const error = $('error')
  error.textContent = text
  error.hidden = false
  clearTimeout(errorTimer)
  errorTimer = setTimeout(() => (error.hidden = true), ERROR_SHOWN_MS)
}

export function hideError() {
  $('error').hidden = true
}
