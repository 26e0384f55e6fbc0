import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { c2cMessage, groupAtMessage, guildAtMessage, type BuiltEvent } from '@qqbot/fake-platform'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { useClientOnPlatform } from '../test-client.js'
import { hex, patternBytes, patternStream, useTempDir } from '../test-media-data.js'
import { MediaSourceError, MediaTooLargeError, PartUploadError, UploadQuotaExceededError } from './media-errors.js'
import { MediaUploader } from './media-uploader.js'

const MiB = 1024 * 1024
/** Twelve 1 MiB parts on the fake platform's default block size; past the 10,002,432-byte md5_10m prefix. */
const TWELVE_MB = 12 * MiB

function fromBuilder(built: BuiltEvent<unknown>): DispatchedEvent {
  return {
    name: built.t,
    id: built.id,
    data: built.d as Record<string, unknown>,
    seq: 1,
    source: 'test',
    shard: undefined,
    receivedAt: Date.now(),
    deliveryId: undefined,
    attempt: 1,
  }
}

const groupEvent = (groupOpenid = 'g-media') => fromBuilder(groupAtMessage({ content: '/pic', groupOpenid }))
const c2cEvent = (userOpenid = 'u-media') => fromBuilder(c2cMessage({ content: '/pic', userOpenid }))
const useTemp = useTempDir()

describe('one-shot media uploads', () => {
  const setup = useClientOnPlatform()

  it('GIVEN a Buffer image in a group THEN it goes base64 as file_data in one /files call and the reply carries its file_info', async () => {
    const { platform, client } = await setup()
    const bytes = patternBytes(50_000)
    await client.reply(groupEvent(), { image: bytes, content: 'look' })
    const calls = platform.calls.filter((call) => call.path.startsWith('/v2/groups/g-media/'))
    expect(calls.map((call) => call.path)).toEqual(['/v2/groups/g-media/files', '/v2/groups/g-media/messages'])
    expect(calls[0]!.body).toEqual({ file_type: 1, file_data: bytes.toString('base64'), srv_send_msg: false })
    const answer = calls[0]!.response as { file_info: string }
    expect(platform.sent.at(-1)!.body).toMatchObject({
      msg_type: 7,
      content: 'look',
      media: { file_info: answer.file_info },
    })
  })

  it('GIVEN a file as { data, name } in C2C THEN it is file_type 4 with its file_name', async () => {
    const { platform, client } = await setup()
    await client.reply(c2cEvent(), { file: { data: Buffer.from('hello'), name: 'notes.txt' } })
    expect(platform.calls.find((call) => call.path === '/v2/users/u-media/files')!.body).toEqual({
      file_type: 4,
      file_data: Buffer.from('hello').toString('base64'),
      file_name: 'notes.txt',
      srv_send_msg: false,
    })
    expect(platform.sent.at(-1)!.body).toMatchObject({ msg_type: 7, content: ' ' })
  })

  it('GIVEN an http(s) URL (string or URL) THEN it goes as url, unchanged', async () => {
    const { platform, client } = await setup()
    await client.reply(groupEvent(), { video: new URL('https://example.invalid/clip.mp4') })
    expect(platform.calls.find((call) => call.path.endsWith('/files'))!.body).toEqual({
      file_type: 2,
      url: 'https://example.invalid/clip.mp4',
      srv_send_msg: false,
    })
  })

  it('GIVEN a small { path } or file: URL THEN the file is read and sent as file_data', async () => {
    const { platform, client } = await setup()
    const temp = await useTemp()
    const bytes = patternBytes(10_000)
    const path = await temp.write('cat.png', bytes)
    await client.reply(groupEvent(), { image: { path } })
    await client.reply(c2cEvent(), { image: new URL(`file://${path}`) })
    const bodies = platform.calls.filter((call) => call.path.endsWith('/files')).map((call) => call.body)
    expect(bodies).toEqual([
      { file_type: 1, file_data: bytes.toString('base64'), srv_send_msg: false },
      { file_type: 1, file_data: bytes.toString('base64'), srv_send_msg: false },
    ])
  })

  it('GIVEN a bare path string, two media in one reply, or a missing file THEN MEDIA_SOURCE_INVALID before any upload', async () => {
    const { platform, client } = await setup()
    const bare = await client.reply(groupEvent(), { image: '/tmp/cat.png' }).catch((error: unknown) => error)
    expect(bare).toBeInstanceOf(MediaSourceError)
    expect((bare as Error).message).toContain('{ path')
    await expect(
      client.reply(groupEvent(), { image: 'https://example.invalid/a.png', voice: 'https://example.invalid/b.silk' }),
    ).rejects.toMatchObject({ code: 'MEDIA_SOURCE_INVALID' })
    await expect(client.reply(groupEvent(), { image: { path: '/nonexistent/cat.png' } })).rejects.toMatchObject({
      code: 'MEDIA_SOURCE_INVALID',
    })
    expect(platform.calls.filter((call) => call.path.includes('/v2/'))).toHaveLength(0)
  })

  it('GIVEN media over the kind cap (buffer, file or stream) THEN MEDIA_TOO_LARGE before any upload', async () => {
    const { platform, client } = await setup({ client: { media: { maxBytes: { image: 4096, voice: 4096 } } } })
    const temp = await useTemp()
    const path = await temp.write('big.png', patternBytes(5000))
    for (const source of [patternBytes(5000), { path }, patternStream(5000)]) {
      const error = await client.reply(groupEvent(), { image: source }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(MediaTooLargeError)
      expect((error as Error).message).toContain('4 KiB')
    }
    await expect(client.reply(groupEvent(), { voice: patternStream(TWELVE_MB) })).rejects.toMatchObject({
      code: 'MEDIA_TOO_LARGE',
    })
    expect(platform.calls.filter((call) => call.path.includes('/v2/'))).toHaveLength(0)
  })

  it('GIVEN a guild channel THEN an image URL goes as the image field; a local image or a file is MEDIA_NOT_SUPPORTED', async () => {
    const { platform, client } = await setup()
    const event = fromBuilder(guildAtMessage({ content: '/cat' }))
    await client.reply(event, { image: 'https://example.invalid/cat.png' })
    expect(platform.sent.at(-1)!.body).toMatchObject({ image: 'https://example.invalid/cat.png' })
    const before = platform.calls.length
    await expect(client.reply(event, { image: patternBytes(10) })).rejects.toMatchObject({
      code: 'MEDIA_NOT_SUPPORTED',
    })
    await expect(client.reply(event, { file: { data: patternBytes(10), name: 'a.txt' } })).rejects.toMatchObject({
      code: 'MEDIA_NOT_SUPPORTED',
    })
    expect(platform.calls.length).toBe(before)
  })
})

describe('chunked media uploads', () => {
  const setup = useClientOnPlatform()

  it('GIVEN a 12 MB { path } THEN prepare declares its md5, sha1 and 10,002,432-byte md5_10m, 12 parts are PUT and finished, and the reply carries the file_info', async () => {
    const { platform, client } = await setup()
    const temp = await useTemp()
    const bytes = patternBytes(TWELVE_MB)
    const path = await temp.write('clip.mp4', bytes)
    await client.reply(groupEvent(), { video: { path } })
    const prepare = platform.calls.find((call) => call.path === '/v2/groups/g-media/upload_prepare')!
    expect(prepare.body).toEqual({
      file_type: 2,
      file_name: 'clip.mp4',
      file_size: TWELVE_MB,
      md5: hex('md5', bytes),
      sha1: hex('sha1', bytes),
      md5_10m: hex('md5', bytes.subarray(0, 10_002_432)),
    })
    const finishes = platform.calls.filter((call) => call.path.endsWith('/upload_part_finish'))
    expect(finishes.map((call) => (call.body as { part_index: number }).part_index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    )
    const complete = platform.calls.filter((call) => call.path.endsWith('/files'))
    expect(complete.map((call) => call.body)).toEqual([
      { upload_id: (prepare.response as { upload_id: string }).upload_id },
    ])
    expect(platform.mediaStats).toMatchObject({ partsStored: 12, completed: 1 })
    expect(platform.sent.at(-1)!.body).toMatchObject({
      msg_type: 7,
      media: { file_info: (complete[0]!.response as { file_info: string }).file_info },
    })
  })

  it('GIVEN a 12 MB Readable THEN it is spilled to a temp file (deleted afterwards) and uploaded in parts, holding at most concurrency × part size', async () => {
    const temp = await useTemp()
    const { platform, client } = await setup({
      client: { media: { tempDir: temp.dir } },
      platform: { media: { voiceFormat: 'any' } },
    })
    await client.reply(c2cEvent(), { voice: patternStream(TWELVE_MB) })
    expect(platform.mediaStats).toMatchObject({ partsStored: 12, completed: 1 })
    const prepare = platform.calls.find((call) => call.path.endsWith('/upload_prepare'))!
    expect(prepare.body).toMatchObject({ md5: hex('md5', patternBytes(TWELVE_MB)), file_name: 'voice' })
    expect(await temp.files()).toEqual([])
    const peak = client.metrics().gauges.media_part_bytes_peak!
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThanOrEqual(3 * MiB)
  })

  it('GIVEN upload_config.concurrency 3 THEN 3 parts are in flight at most (and at once); maxPartConcurrency caps a larger one', async () => {
    const { platform, client } = await setup({ platform: { media: { partLatencyMs: 40 } } })
    await client.reply(groupEvent(), { video: patternBytes(TWELVE_MB) })
    expect(platform.mediaStats.peakPartsInFlight).toBe(3)

    const capped = await setup({
      client: { media: { maxPartConcurrency: 2 } },
      platform: { media: { partLatencyMs: 40, concurrency: 8, uploadConfigAt: 'top-level' } },
    })
    await capped.client.reply(groupEvent(), { video: patternBytes(TWELVE_MB) })
    expect(capped.platform.mediaStats.peakPartsInFlight).toBe(2)
    expect(capped.client.metrics().gauges.media_part_bytes_peak).toBeLessThanOrEqual(2 * MiB)
  })

  it('GIVEN 0-based part indexes, 2 MiB blocks and file_size as a string THEN indexes are echoed verbatim and offsets follow array order', async () => {
    const { platform, client } = await setup({
      client: { media: { fileSizeAs: 'string' } },
      platform: { media: { partIndexBase: 0, blockSize: 2 * MiB } },
    })
    await client.reply(groupEvent(), { video: patternBytes(TWELVE_MB + 123) })
    expect(platform.calls.find((call) => call.path.endsWith('/upload_prepare'))!.body).toMatchObject({
      file_size: String(TWELVE_MB + 123),
    })
    const indexes = platform.calls
      .filter((call) => call.path.endsWith('/upload_part_finish'))
      .map((call) => (call.body as { part_index: number }).part_index)
    expect(indexes.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(platform.mediaStats.completed).toBe(1)
  })

  it('GIVEN part finish answers 40093001 twice THEN it is retried until accepted', async () => {
    const { platform, client } = await setup({
      client: { media: { partFinishRetryDelayMs: 5 } },
      platform: { media: { partFinishBusyCount: 2 } },
    })
    await client.reply(groupEvent(), { video: patternBytes(6 * MiB) })
    expect(platform.mediaStats).toMatchObject({ partFinishBusy: 2, completed: 1 })
    expect(platform.sent).toHaveLength(1)
  })

  it('GIVEN part finish still answers 40093001 when retry_timeout runs out THEN the reply fails with that ApiError and nothing is sent', async () => {
    const { platform, client } = await setup({
      client: { media: { partFinishRetryDelayMs: 5 } },
      platform: { media: { partFinishBusyCount: 1_000_000, retryTimeoutSeconds: 0.05 } },
    })
    await expect(client.reply(groupEvent(), { video: patternBytes(6 * MiB) })).rejects.toMatchObject({
      code: 'API_ERROR',
      platformCode: 40093001,
    })
    expect(platform.mediaStats.completed).toBe(0)
    expect(platform.sent).toHaveLength(0)
  })

  it('GIVEN object storage answers 503 THEN the part PUT is retried; past partRetries the reply fails with MEDIA_PART_UPLOAD_FAILED', async () => {
    const flaky = await setup({ platform: { media: { partPutFailures: 2 } } })
    await flaky.client.reply(groupEvent(), { video: patternBytes(6 * MiB) })
    expect(flaky.platform.mediaStats).toMatchObject({ partsStored: 6, completed: 1 })

    const down = await setup({
      client: { media: { partRetries: 1 } },
      platform: { media: { partPutFailures: 1_000, concurrency: 1 } },
    })
    const error = await down.client.reply(groupEvent(), { video: patternBytes(6 * MiB) }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PartUploadError)
    expect((error as Error).message).toContain('HTTP 503')
    expect(down.platform.mediaStats.completed).toBe(0)
    expect(down.platform.sent).toHaveLength(0)
  })

  it('GIVEN a stream that fails after spilling THEN the reply rejects with its error and the temp file is gone', async () => {
    const temp = await useTemp()
    const { platform, client } = await setup({ client: { media: { tempDir: temp.dir } } })
    const broken = Readable.from(
      (function* () {
        for (let i = 0; i < 100; i++) yield patternBytes(64 * 1024, i * 64 * 1024)
        throw new Error('disk on fire')
      })(),
    )
    await expect(client.reply(groupEvent(), { video: broken })).rejects.toThrow('disk on fire')
    expect(await temp.files()).toEqual([])
    expect(platform.calls.filter((call) => call.path.includes('/v2/'))).toHaveLength(0)
  })

  it('GIVEN the daily upload quota is used up THEN UPLOAD_QUOTA_EXCEEDED with advice, and no part is sent', async () => {
    const { platform, client } = await setup({ platform: { media: { dailyUploadQuota: 0 } } })
    const error = await client.reply(groupEvent(), { video: patternBytes(6 * MiB) }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UploadQuotaExceededError)
    expect((error as Error).message).toMatch(/link|tomorrow/)
    expect(platform.mediaStats.partsStored).toBe(0)
    expect(platform.sent).toHaveLength(0)
  })

  it('GIVEN a file the platform already holds THEN prepare answers without parts and the upload completes at once', async () => {
    const { platform, client } = await setup()
    const bytes = patternBytes(6 * MiB)
    await client.reply(groupEvent('g-first'), { video: bytes })
    const stored = platform.mediaStats.partsStored
    await client.reply(groupEvent('g-second'), { video: bytes })
    expect(platform.mediaStats).toMatchObject({ instant: 1, completed: 2, partsStored: stored })
    expect(platform.sent.at(-1)!).toMatchObject({ target: 'g-second', body: { msg_type: 7 } })
  })
})

describe('the file_info cache', () => {
  const setup = useClientOnPlatform()

  it('GIVEN the same bytes to the same chat within ttl THEN no upload; after ttl, or to another chat, kind or file name, an upload', async () => {
    const { platform, client } = await setup({ platform: { media: { fileInfoTtlSeconds: 60 } } })
    let now = 1_000_000
    const uploader = new MediaUploader({ api: client.api, now: () => now })
    const uploads = () => platform.calls.filter((call) => call.path.endsWith('/files')).length
    const bytes = patternBytes(2000)
    const first = await uploader.upload('group', 'g1', 'image', bytes)
    now += 59_000
    expect(await uploader.upload('group', 'g1', 'image', Buffer.from(bytes))).toEqual(first)
    expect(uploads()).toBe(1)
    await uploader.upload('group', 'g2', 'image', bytes)
    await uploader.upload('group', 'g1', 'file', { data: bytes, name: 'x.bin' })
    await uploader.upload('group', 'g1', 'file', { data: bytes, name: 'x.bin' })
    await uploader.upload('group', 'g1', 'file', { data: bytes, name: 'y.bin' })
    expect(uploads()).toBe(4)
    now += 2_000
    expect((await uploader.upload('group', 'g1', 'image', bytes)).file_info).not.toBe(first.file_info)
    expect(uploads()).toBe(5)
    await uploader.close()
  })
})
