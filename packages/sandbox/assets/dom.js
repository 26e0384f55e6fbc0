// Small DOM helpers shared by the page's modules. Bot content goes in through `text` (textContent), never as HTML.

export const $ = (id) => document.getElementById(id)

export function el(tag, props = {}, children = []) {
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

export function option(value, label) {
  return el('option', { value, text: label })
}

export function isHttpUrl(value) {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
