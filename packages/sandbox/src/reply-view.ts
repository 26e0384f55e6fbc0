/**
 * Turns the body of a message the bot sent into what the page renders. Only known fields with the right
 * types get through; the page still treats every string as text (markdown goes through its escaping renderer).
 */

/** What a keyboard button does when clicked: an interaction, a command typed for the user, or a link. */
export type ButtonAction = 'callback' | 'command' | 'link'

export interface ButtonView {
  id: string
  label: string
  /** 0 grey, 1 blue (QQ's `render_data.style`). */
  style: number
  action: ButtonAction
  /** Callback: `button_data`; command: the text; link: the URL. */
  data: string
  /** Command buttons: send at once instead of filling the input box. */
  enter: boolean
}

export interface MediaView {
  kind: 'image' | 'video' | 'voice' | 'file'
  /** The URL the bot uploaded, when the sandbox saw the upload. */
  url?: string
  /** The file's name, when the upload gave one (`file_name`, or the last part of its URL). */
  name?: string
  /** The file's size in bytes, when the upload showed it (`file_data`, or `file_size` of a chunked upload). */
  bytes?: number
}

export interface ReplyView {
  text?: string
  markdown?: string
  markdownTemplate?: { id: string; params: { key: string; values: string[] }[] }
  keyboard?: ButtonView[][]
  keyboardTemplate?: string
  /** Guild image URL (http/https only). */
  image?: string
  media?: MediaView
  /** Ark and embed bodies, shown as JSON text. */
  structured?: { kind: 'ark' | 'embed'; json: string }[]
  /** A stream still growing: more frames are coming (the page marks the bubble). */
  streaming?: true
}

/** What an upload of `file_info` carried, as recorded from `POST /v2/{groups|users}/{id}/files`. */
export interface UploadedMedia {
  fileType: number
  url?: string
  name?: string
  bytes?: number
}

const MEDIA_KINDS: Record<number, MediaView['kind']> = { 1: 'image', 2: 'video', 3: 'voice', 4: 'file' }
const ACTIONS: Record<number, ButtonAction> = { 0: 'link', 1: 'callback', 2: 'command' }

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** `url` when it is an absolute http(s) URL, else `undefined`. */
function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined
  } catch {
    return undefined
  }
}

/** The view of a sent body; `uploads` resolves a group/C2C `media.file_info` to the uploaded URL. */
export function toReplyView(
  body: unknown,
  uploads: (fileInfo: string) => UploadedMedia | undefined = () => undefined,
): ReplyView {
  const b = record(body)
  if (!b) return { text: typeof body === 'string' ? body : '' }
  const view: ReplyView = {}
  const content = text(b.content)
  if (content !== undefined && content.trim() !== '') view.text = content
  const markdown = record(b.markdown)
  if (markdown) {
    const md = text(markdown.content)
    if (md !== undefined) view.markdown = md
    else if (markdown.custom_template_id !== undefined)
      view.markdownTemplate = { id: String(markdown.custom_template_id), params: templateParams(markdown.params) }
  }
  // A finished stream (stream_messages) is recorded as its final frame: markdown text in `content_raw`.
  const streamed = text(b.content_raw)
  if (streamed !== undefined && view.markdown === undefined && view.text === undefined) view.markdown = streamed
  const keyboard = record(b.keyboard)
  if (keyboard) {
    const rows = record(keyboard.content)?.rows
    if (Array.isArray(rows))
      view.keyboard = rows.map((row) => buttonsOf(record(row)?.buttons)).filter((row) => row.length > 0)
    else if (keyboard.id !== undefined) view.keyboardTemplate = String(keyboard.id)
  }
  const image = text(b.image)
  if (image !== undefined) {
    const url = httpUrl(image)
    if (url) view.image = url
    else view.media = { kind: 'image', url: image }
  }
  const fileInfo = text(record(b.media)?.file_info)
  if (fileInfo !== undefined) {
    const upload = uploads(fileInfo)
    view.media = {
      kind: MEDIA_KINDS[upload?.fileType ?? 0] ?? 'file',
      ...(upload?.url !== undefined ? { url: upload.url } : {}),
      ...(upload?.name !== undefined ? { name: upload.name } : {}),
      ...(upload?.bytes !== undefined ? { bytes: upload.bytes } : {}),
    }
  } else if (typeof b.file_type === 'number' && text(b.url) !== undefined) {
    // An upload with srv_send_msg: true is a message by itself.
    view.media = { kind: MEDIA_KINDS[b.file_type] ?? 'file', url: text(b.url)! }
  }
  for (const kind of ['ark', 'embed'] as const) {
    if (b[kind] !== undefined) (view.structured ??= []).push({ kind, json: JSON.stringify(b[kind], null, 2) })
  }
  return view
}

function templateParams(params: unknown): { key: string; values: string[] }[] {
  if (!Array.isArray(params)) return []
  return params.flatMap((param) => {
    const p = record(param)
    const key = text(p?.key)
    if (!p || key === undefined) return []
    return [{ key, values: Array.isArray(p.values) ? p.values.map((value) => String(value)) : [] }]
  })
}

function buttonsOf(buttons: unknown): ButtonView[] {
  if (!Array.isArray(buttons)) return []
  return buttons.flatMap((raw, index) => {
    const button = record(raw)
    const action = record(button?.action)
    if (!button || !action) return []
    const id = button.id === undefined ? String(index + 1) : String(button.id)
    const render = record(button.render_data)
    const kind = ACTIONS[typeof action.type === 'number' ? action.type : -1]
    if (!kind) return []
    return [
      {
        id,
        label: text(render?.label) ?? id,
        style: typeof render?.style === 'number' ? render.style : 0,
        action: kind,
        data: text(action.data) ?? '',
        enter: action.enter === true,
      },
    ]
  })
}

/** Finds a button by id in a view's keyboard. */
export function findButton(view: ReplyView, buttonId: string): ButtonView | undefined {
  for (const row of view.keyboard ?? []) for (const button of row) if (button.id === buttonId) return button
  return undefined
}
