/** The checks of upload requests: refusals in the platform's words, and what `upload_prepare` must declare. */

/** A refusal in the platform's words: HTTP status, code, message. */
export interface MediaRefusal {
  status: number
  code: number
  message: string
}
/** What `upload_prepare` declared, after validation. */
export interface DeclaredFile {
  fileType: number
  fileName: string
  size: number
  md5: string
  sha1: string
  md5Prefix: string
}
const HEX32 = /^[0-9a-f]{32}$/
const HEX40 = /^[0-9a-f]{40}$/
/** Validates `upload_prepare`'s hashes, name and size. */
export function declaredFile(body: Record<string, unknown>): DeclaredFile | MediaRefusal {
  const size =
    typeof body.file_size === 'string' && /^\d+$/.test(body.file_size) ? Number(body.file_size) : body.file_size
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0)
    return refusal(400, 40011000, 'file_size must be a positive integer')
  if (typeof body.file_name !== 'string' || body.file_name === '')
    return refusal(400, 40011000, 'file_name is required')
  for (const [field, pattern] of [
    ['md5', HEX32],
    ['sha1', HEX40],
    ['md5_10m', HEX32],
  ] as const) {
    const value = body[field]
    if (typeof value !== 'string' || !pattern.test(value))
      return refusal(400, 40011000, `${field} must be a lowercase hex digest`)
  }
  return {
    fileType: body.file_type as number,
    fileName: body.file_name,
    size,
    md5: body.md5 as string,
    sha1: body.sha1 as string,
    md5Prefix: body.md5_10m as string,
  }
}

export function refusal(status: number, code: number, message: string): MediaRefusal {
  return { status, code, message }
}

export function isRefusal(value: unknown): value is MediaRefusal {
  return typeof value === 'object' && value !== null && 'status' in value && 'code' in value && 'message' in value
}

const SILK_HEADER = Buffer.from('#!SILK_V3')

/** A voice (`file_type` 3) must be SILK, as documented: `#!SILK_V3`, or Tencent's variant with a leading 0x02. */
export function voiceRefusal(fileType: unknown, bytes: Buffer, voiceFormat: 'silk' | 'any'): MediaRefusal | undefined {
  if (fileType !== 3 || voiceFormat === 'any') return undefined
  const at = bytes[0] === 0x02 ? 1 : 0
  if (bytes.subarray(at, at + SILK_HEADER.length).equals(SILK_HEADER)) return undefined
  return refusal(400, 40011000, 'a voice (file_type 3) must be SILK (#!SILK_V3): convert it before the upload')
}
