import type { IncomingMessage, ServerResponse } from 'node:http'
import { PART_PATH_PREFIX, type MediaStore } from './media-store.js'
import { isRefusal } from './media-validation.js'
import { delay } from './time.js'

/** Whether a request goes to the part server (object storage) rather than the QQ API. */
export function isPartRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith(PART_PATH_PREFIX)
}

/**
 * The object storage that presigned part URLs point at: takes `PUT /cos/<upload_id>/<position>?sign=…` with
 * exactly the part's bytes. Like COS it refuses a request carrying an `Authorization` header (the URL is the
 * credential), an altered signature, and a body of the wrong size.
 */
export function createPartHandler(media: MediaStore): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    media.partStarted()
    handle(media, req, res)
      .catch((error: unknown) => answer(res, 500, `InternalError: ${String(error)}`))
      .finally(() => media.partEnded())
  }
}

async function handle(media: MediaStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const bytes = await readBytes(req)
  if (media.options.partLatencyMs > 0) await delay(media.options.partLatencyMs)
  if (req.method !== 'PUT') return answer(res, 405, 'MethodNotAllowed: parts are uploaded with PUT')
  if (req.headers.authorization !== undefined)
    return answer(res, 403, 'AccessDenied: a presigned URL takes no Authorization header (do not send the QQ token)')
  const url = new URL(req.url ?? '/', 'http://fake-cos.local')
  const [uploadId = '', position = ''] = url.pathname.slice(PART_PATH_PREFIX.length).split('/')
  const part = media.partFor(decodeURIComponent(uploadId), Number(position), url.searchParams.get('sign'))
  if (isRefusal(part)) return answer(res, part.status, part.message)
  if (media.takePutFailure()) return answer(res, 503, 'ServiceUnavailable: please retry')
  if (bytes.length !== part.size)
    return answer(res, 400, `EntityLengthMismatch: part is ${part.size} bytes, got ${bytes.length}`)
  media.storePart(decodeURIComponent(uploadId), Number(position), bytes)
  answer(res, 200, '')
}

function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function answer(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}
