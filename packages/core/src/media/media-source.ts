import { basename } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { MediaSourceError } from './media-errors.js'

/** A local file. An object, never a bare string, so a path can never be mistaken for a URL. */
export interface MediaPath {
  path: string
  /** The name the platform shows for a `file`; default the path's base name. */
  name?: string
}

/** Bytes in memory or a stream, with the name the platform shows for a `file`. */
export interface MediaData {
  data: Uint8Array | Readable
  name?: string
}

/**
 * Where a reply's media comes from:
 * - an `http(s):` URL string (or `URL`): the platform fetches it;
 * - a local file: `{ path }`, or a `file:` URL (string or `URL`);
 * - bytes: a `Buffer`/`Uint8Array`;
 * - a Node `Readable` (read once; spilled to a temp file when it is too large for one request);
 * - `{ data, name }`: bytes or a stream with a file name.
 *
 * A plain string that is not an `http:`, `https:` or `file:` URL is refused: pass `{ path }` for a local file.
 */
export type MediaSource = string | URL | MediaPath | Uint8Array | Readable | MediaData

/** A {@link MediaSource} sorted by how it is read. */
export type ClassifiedSource =
  | { type: 'url'; url: string }
  | { type: 'path'; path: string; name: string }
  | { type: 'bytes'; bytes: Uint8Array; name: string | undefined }
  | { type: 'stream'; stream: Readable; name: string | undefined }

/** Sorts `source` by how it is read, or throws {@link MediaSourceError} for a shape no upload can take. */
export function classifySource(source: MediaSource): ClassifiedSource {
  if (typeof source === 'string' || source instanceof URL) return classifyUrl(source)
  if (source instanceof Uint8Array) return { type: 'bytes', bytes: source, name: undefined }
  if (isReadable(source)) return { type: 'stream', stream: source, name: undefined }
  if (typeof source === 'object' && source !== null) {
    if ('path' in source && typeof source.path === 'string' && source.path !== '')
      return { type: 'path', path: source.path, name: source.name ?? basename(source.path) }
    if ('data' in source) {
      if (source.data instanceof Uint8Array) return { type: 'bytes', bytes: source.data, name: source.name }
      if (isReadable(source.data)) return { type: 'stream', stream: source.data, name: source.name }
    }
  }
  throw new MediaSourceError(
    'Media must be an http(s) URL, { path } of a local file, a file: URL, a Buffer/Uint8Array, a Readable, or { data, name }.',
  )
}

/** Whether the source is an http(s) URL (which guild channels and DMs take as the `image` field). */
export function isRemoteUrl(source: MediaSource): source is string | URL {
  if (source instanceof URL) return source.protocol === 'http:' || source.protocol === 'https:'
  return typeof source === 'string' && /^https?:\/\//i.test(source)
}

function classifyUrl(source: string | URL): ClassifiedSource {
  let url: URL
  try {
    url = source instanceof URL ? source : new URL(source)
  } catch {
    throw new MediaSourceError(
      `Media "${String(source).slice(0, 80)}" is not a URL. For a local file pass { path: '...' } (or a file: URL); ` +
        'a bare string is only ever read as a URL.',
    )
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return { type: 'url', url: url.href }
  if (url.protocol === 'file:') {
    const path = fileURLToPath(url)
    return { type: 'path', path, name: basename(path) }
  }
  throw new MediaSourceError(
    `Media URL scheme "${url.protocol}" is not supported: use http(s) for media the platform fetches, or file: / { path } for a local file.`,
  )
}

function isReadable(value: unknown): value is Readable {
  return (
    value instanceof Readable ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as Readable).pipe === 'function' &&
      typeof (value as Readable)[Symbol.asyncIterator] === 'function')
  )
}
