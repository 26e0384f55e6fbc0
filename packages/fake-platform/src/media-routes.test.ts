import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakeMediaOptions, type FakePlatform } from './index.js'

let platform: FakePlatform | undefined

afterEach(async () => {
  await platform?.close()
  platform = undefined
})

interface Answer {
  status: number
  body: Record<string, unknown>
}

type Api = (path: string, body: unknown) => Promise<Answer>

async function start(media?: FakeMediaOptions): Promise<{ p: FakePlatform; api: Api }> {
  platform = await startFakePlatform({ media: { blockSize: 1024, ...media } })
  const p = platform
  const token = p.issueToken().access_token
  const api: Api = async (path, body) => {
    const res = await fetch(`${p.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `QQBot ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
  }
  return { p, api }
}

const hex = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex')

/** 2.5 KiB: three parts of the 1 KiB blocks these tests use. */
const FILE = Buffer.from(Array.from({ length: 2560 }, (_, i) => (i * 7 + (i >> 8) * 13) & 0xff))

function declared(bytes: Buffer, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    file_type: 2,
    file_name: 'clip.mp4',
    file_size: bytes.length,
    md5: hex('md5', bytes),
    sha1: hex('sha1', bytes),
    md5_10m: hex('md5', bytes),
    ...overrides,
  }
}

interface Part {
  index: number
  presigned_url: string
  block_size: number
}

function put(part: Part, bytes: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(part.presigned_url, { method: 'PUT', headers, body: bytes })
}

describe('media uploads on the fake platform', () => {
  it('refuses an upload_prepare with a bad hash, size, name or type, and one over the kind cap', async () => {
    const { api } = await start({ maxBytes: { video: 2000 } })
    const path = '/v2/groups/G/upload_prepare'
    for (const bad of [
      { md5: 'ABC' },
      { sha1: hex('md5', FILE) },
      { file_size: -1 },
      { file_name: '' },
      { file_type: 9 },
    ]) {
      expect(await api(path, declared(FILE, bad))).toMatchObject({ status: 400, body: { code: 40011000 } })
    }
    const tooLarge = await api(path, declared(FILE))
    expect(tooLarge).toMatchObject({ status: 400, body: { code: 40011000 } })
    expect(String(tooLarge.body.message)).toContain('too large')
  })

  it('runs the chunked flow, enforcing the part server, part finish and the whole-file hashes', async () => {
    const { p, api } = await start({ uploadConfigAt: 'top-level', concurrency: 2 })
    const prepared = await api('/v2/users/U/upload_prepare', declared(FILE, { file_size: String(FILE.length) }))
    expect(prepared.status).toBe(200)
    expect(prepared.body).toMatchObject({ block_size: 1024, concurrency: 2, retry_timeout: 60 })
    const uploadId = prepared.body.upload_id as string
    const parts = prepared.body.parts as Part[]
    expect(parts.map((part) => [part.index, part.block_size])).toEqual([
      [1, 1024],
      [2, 1024],
      [3, 512],
    ])
    const slices = [FILE.subarray(0, 1024), FILE.subarray(1024, 2048), FILE.subarray(2048)]
    const finish = (part: Part, bytes: Uint8Array, extra: Record<string, unknown> = {}) =>
      api('/v2/users/U/upload_part_finish', {
        upload_id: uploadId,
        part_index: part.index,
        block_size: bytes.length,
        md5: hex('md5', bytes),
        ...extra,
      })

    // The part server: no QQ auth header, an intact signature, the exact part size.
    expect((await put(parts[0]!, slices[0]!, { Authorization: 'QQBot token' })).status).toBe(403)
    expect((await put({ ...parts[0]!, presigned_url: parts[0]!.presigned_url + 'x' }, slices[0]!)).status).toBe(403)
    expect((await put(parts[0]!, slices[1]!.subarray(0, 100))).status).toBe(400)
    // Finishing a part that never arrived, or with the wrong md5, is refused.
    expect(await finish(parts[0]!, slices[0]!)).toMatchObject({ status: 400, body: { code: 40011000 } })
    expect((await put(parts[0]!, slices[0]!)).status).toBe(200)
    expect(await finish(parts[0]!, slices[1]!)).toMatchObject({ status: 400, body: { code: 40011000 } })
    expect((await finish(parts[0]!, slices[0]!)).status).toBe(200)
    // Completing with parts unfinished is refused; another chat cannot complete it.
    expect(await api('/v2/users/U/files', { upload_id: uploadId })).toMatchObject({ status: 400 })
    for (const i of [1, 2]) {
      expect((await put(parts[i]!, slices[i]!)).status).toBe(200)
      expect((await finish(parts[i]!, slices[i]!)).status).toBe(200)
    }
    expect(await api('/v2/users/OTHER/files', { upload_id: uploadId })).toMatchObject({ status: 400 })
    const done = await api('/v2/users/U/files', { upload_id: uploadId })
    expect(done).toMatchObject({ status: 200, body: { file_info: expect.any(String), ttl: 0 } })
    expect(p.mediaStats).toMatchObject({ prepared: 1, partsStored: 3, completed: 1 })
    // The platform now holds the file: the next prepare is an instant upload.
    const again = await api('/v2/groups/G/upload_prepare', declared(FILE))
    expect(again.body.parts).toEqual([])
    expect((await api('/v2/groups/G/files', { upload_id: again.body.upload_id })).status).toBe(200)
    expect(p.mediaStats.instant).toBe(1)
  })

  it('refuses completion when the parts do not add up to the declared hashes', async () => {
    const { api } = await start()
    const wrong = Buffer.from(FILE)
    wrong[0] = wrong[0]! ^ 0xff
    const prepared = await api('/v2/groups/G/upload_prepare', declared(FILE))
    const parts = prepared.body.parts as Part[]
    const slices = [wrong.subarray(0, 1024), wrong.subarray(1024, 2048), wrong.subarray(2048)]
    for (const [i, part] of parts.entries()) {
      await put(part, slices[i]!)
      const finished = await api('/v2/groups/G/upload_part_finish', {
        upload_id: prepared.body.upload_id,
        part_index: part.index,
        block_size: slices[i]!.length,
        md5: hex('md5', slices[i]!),
      })
      expect(finished.status).toBe(200)
    }
    const done = await api('/v2/groups/G/files', { upload_id: prepared.body.upload_id })
    expect(done).toMatchObject({ status: 400, body: { code: 40011000 } })
  })

  it('answers 40093001 to the first N part finishes and 40093002 once the daily quota is used', async () => {
    const { p, api } = await start({ partFinishBusyCount: 1, dailyUploadQuota: 1 })
    const prepared = await api('/v2/groups/G/upload_prepare', declared(FILE))
    const part = (prepared.body.parts as Part[])[0]!
    await put(part, FILE.subarray(0, 1024))
    const body = {
      upload_id: prepared.body.upload_id,
      part_index: 1,
      block_size: 1024,
      md5: hex('md5', FILE.subarray(0, 1024)),
    }
    expect(await api('/v2/groups/G/upload_part_finish', body)).toMatchObject({ body: { code: 40093001 } })
    expect((await api('/v2/groups/G/upload_part_finish', body)).status).toBe(200)
    expect(await api('/v2/groups/G/upload_prepare', declared(FILE))).toMatchObject({
      status: 400,
      body: { code: 40093002 },
    })
    expect(p.mediaStats.partFinishBusy).toBe(1)
  })

  it('refuses a voice (file_type 3) that is not SILK, one-shot or chunked, unless voiceFormat is any', async () => {
    const silk = Buffer.concat([Buffer.from('#!SILK_V3'), FILE])
    const tencentSilk = Buffer.concat([Buffer.from([0x02]), silk])
    const mp3 = Buffer.concat([Buffer.from('ID3'), FILE])
    const oneShot = (bytes: Buffer) =>
      api('/v2/users/U/files', { file_type: 3, file_data: bytes.toString('base64'), srv_send_msg: false })
    const { api } = await start()
    expect((await oneShot(silk)).status).toBe(200)
    expect((await oneShot(tencentSilk)).status).toBe(200)
    const refused = await oneShot(mp3)
    expect(refused).toMatchObject({ status: 400, body: { code: 40011000 } })
    expect(String(refused.body.message)).toContain('SILK')
    // Chunked: the whole file is checked at completion.
    const prepared = await api('/v2/users/U/upload_prepare', declared(mp3, { file_type: 3, file_name: 'a.mp3' }))
    for (const part of prepared.body.parts as Part[]) {
      const bytes = mp3.subarray((part.index - 1) * 1024, part.index * 1024)
      await put(part, bytes)
      const finish = { upload_id: prepared.body.upload_id, part_index: part.index, block_size: bytes.length }
      await api('/v2/users/U/upload_part_finish', { ...finish, md5: hex('md5', bytes) })
    }
    const done = await api('/v2/users/U/files', { upload_id: prepared.body.upload_id })
    expect(done).toMatchObject({ status: 400, body: { code: 40011000 } })
    expect(String(done.body.message)).toContain('SILK')
    await platform?.close()
    const lenient = await start({ voiceFormat: 'any' })
    expect((await lenient.api('/v2/users/U/files', { file_type: 3, file_data: mp3.toString('base64') })).status).toBe(
      200,
    )
  })

  it('refuses a message whose file_info was uploaded for another chat', async () => {
    const { api } = await start()
    const upload = await api('/v2/groups/G/files', { file_type: 1, url: 'https://x.invalid/a.png' })
    const media = { file_info: upload.body.file_info }
    const send = (path: string, msgId: string) => api(path, { msg_type: 7, content: ' ', media, msg_id: msgId })
    expect(await send('/v2/groups/H/messages', 'm1')).toMatchObject({ status: 400, body: { code: 40011000 } })
    expect(await send('/v2/users/G/messages', 'm2')).toMatchObject({ status: 400, body: { code: 40011000 } })
    expect((await send('/v2/groups/G/messages', 'm3')).status).toBe(200)
  })

  it('one-shot: takes a url or base64 file_data (not both), wants file_name for files, and answers 413 past its limit', async () => {
    const { api } = await start({ oneShotMaxBytes: 2000 })
    const path = '/v2/groups/G/files'
    expect((await api(path, { file_type: 1, url: 'https://x.invalid/a.png' })).status).toBe(200)
    expect((await api(path, { file_type: 1, file_data: FILE.subarray(0, 100).toString('base64') })).status).toBe(200)
    expect((await api(path, { file_type: 1 })).status).toBe(400)
    expect((await api(path, { file_type: 1, url: 'https://x.invalid/a.png', file_data: 'AAAA' })).status).toBe(400)
    expect((await api(path, { file_type: 1, file_data: 'not base64!' })).status).toBe(400)
    expect((await api(path, { file_type: 4, file_data: 'AAAA' })).status).toBe(400)
    expect((await api(path, { file_type: 4, file_data: 'AAAA', file_name: 'a.bin' })).status).toBe(200)
    expect((await api(path, { file_type: 1, file_data: FILE.toString('base64') })).status).toBe(413)
  })
})
