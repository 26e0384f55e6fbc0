import { describe, expect, it } from 'vitest'
import { useClientOnPlatform } from '../test-client.js'
import { MediaUploader } from './media-uploader.js'
import { loadSilkCodec, OptionalDependencyError, VoiceFormatError, type SilkCodec } from './silk-voice.js'
import { loadVoiceDecoder, VOICE_DECODERS, type PcmDecoderFactory } from './voice-decoders.js'
import type { DecodedVoiceFormat } from './voice-format.js'

const SILK_HEADER = Buffer.from('#!SILK_V3')

/** A stand-in for silk-wasm: "encodes" a WAV by swapping its 44-byte header for the SILK one. */
const fakeCodec: SilkCodec = {
  encode: (input) => Promise.resolve({ data: Buffer.concat([SILK_HEADER, input.subarray(44)]), duration: 1000 }),
  isSilk: (data) => Buffer.from(data.subarray(0, SILK_HEADER.length)).equals(SILK_HEADER),
  isWav: (data) =>
    Buffer.from(data.subarray(0, 4)).toString() === 'RIFF' && Buffer.from(data.subarray(8, 12)).toString() === 'WAVE',
}

function wav(samples: Buffer): Buffer {
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + samples.length, 4)
  header.write('WAVE', 8)
  return Buffer.concat([header, samples])
}

describe("voiceFormat: 'silk'", () => {
  const setup = useClientOnPlatform()

  async function uploaderOnPlatform(
    voiceFormat: 'as-is' | 'silk',
    loadSilk = () => Promise.resolve(fakeCodec),
    loadDecoder?: (format: DecodedVoiceFormat) => Promise<PcmDecoderFactory>,
  ) {
    // 'as-is' sends a WAV voice, which the fake platform (strict by default) would refuse.
    const { platform, client } = await setup({
      platform: { media: { voiceFormat: voiceFormat === 'silk' ? 'silk' : 'any' } },
    })
    const uploader = new MediaUploader({ api: client.api, loadSilk, loadDecoder }, { voiceFormat })
    const fileData = () =>
      platform.calls
        .filter((call) => call.path.endsWith('/files'))
        .map((call) => (call.body as { file_data?: string }).file_data)
    return { platform, uploader, fileData }
  }

  it('GIVEN a WAV voice THEN it is encoded to SILK before the upload; SILK goes as is', async () => {
    const { uploader, fileData } = await uploaderOnPlatform('silk')
    const samples = Buffer.from('pcm-samples')
    await uploader.upload('c2c', 'u1', 'voice', { data: wav(samples), name: 'hello.wav' })
    const silk = Buffer.concat([SILK_HEADER, Buffer.from('already')])
    await uploader.upload('c2c', 'u1', 'voice', silk)
    expect(fileData()).toEqual([Buffer.concat([SILK_HEADER, samples]).toString('base64'), silk.toString('base64')])
    await uploader.close()
  })

  it('GIVEN a voice that is neither WAV nor SILK THEN VOICE_FORMAT_UNSUPPORTED before any upload; a URL and other kinds go as is', async () => {
    const { platform, uploader } = await uploaderOnPlatform('silk')
    const error = await uploader
      .upload('group', 'g1', 'voice', { data: Buffer.from('ID3 mp3 bytes'), name: 'a.mp3' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(VoiceFormatError)
    expect(error).toMatchObject({ code: 'VOICE_FORMAT_UNSUPPORTED', detected: 'ID3-tagged, unknown audio' })
    expect((error as Error).message).toContain('a.mp3')
    for (const { packageName } of Object.values(VOICE_DECODERS)) expect((error as Error).message).toContain(packageName)
    expect(platform.calls.filter((call) => call.path.includes('/v2/'))).toHaveLength(0)
    await uploader.upload('group', 'g1', 'voice', 'https://example.invalid/a.mp3')
    await uploader.upload('group', 'g1', 'file', { data: wav(Buffer.from('x')), name: 'a.wav' })
    expect(platform.calls.filter((call) => call.path.endsWith('/files')).map((call) => call.body)).toEqual([
      { file_type: 3, url: 'https://example.invalid/a.mp3', srv_send_msg: false },
      { file_type: 4, file_data: wav(Buffer.from('x')).toString('base64'), file_name: 'a.wav', srv_send_msg: false },
    ])
    await uploader.close()
  })

  it("GIVEN voiceFormat 'as-is' (the default) THEN a WAV goes unchanged and the encoder is never loaded", async () => {
    let loads = 0
    const { uploader, fileData } = await uploaderOnPlatform('as-is', () => {
      loads++
      return Promise.resolve(fakeCodec)
    })
    await uploader.upload('c2c', 'u1', 'voice', wav(Buffer.from('pcm')))
    expect(fileData()).toEqual([wav(Buffer.from('pcm')).toString('base64')])
    expect(loads).toBe(0)
    await uploader.close()
  })

  it('GIVEN SILK THEN it goes as is without loading the encoder', async () => {
    let loads = 0
    const { uploader, fileData } = await uploaderOnPlatform('silk', () => {
      loads++
      return Promise.reject(new Error('not installed'))
    })
    const silk = Buffer.concat([Buffer.from([2]), SILK_HEADER, Buffer.from('frames')])
    await uploader.upload('c2c', 'u1', 'voice', silk)
    expect(fileData()).toEqual([silk.toString('base64')])
    expect(loads).toBe(0)
    await uploader.close()
  })

  it('GIVEN an mp3 and its decoder is not installed THEN OPTIONAL_DEPENDENCY_MISSING names that package, before any upload', async () => {
    const { platform, uploader } = await uploaderOnPlatform('silk', undefined, (format) =>
      loadVoiceDecoder(format, '@qqbot/no-such-mp3-decoder'),
    )
    const mp3 = Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0])
    const error = await uploader.upload('c2c', 'u1', 'voice', { data: mp3, name: 'tts.mp3' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OptionalDependencyError)
    expect(error).toMatchObject({ code: 'OPTIONAL_DEPENDENCY_MISSING', packageName: '@qqbot/no-such-mp3-decoder' })
    expect((error as Error).message).toContain('npm install @qqbot/no-such-mp3-decoder')
    expect((error as Error).message).toContain('mp3')
    expect(platform.calls.filter((call) => call.path.includes('/v2/'))).toHaveLength(0)
    await uploader.close()
  })

  it('GIVEN the encoder package is not installed THEN OPTIONAL_DEPENDENCY_MISSING names it, before any upload', async () => {
    const { platform, uploader } = await uploaderOnPlatform('silk', () => loadSilkCodec('@qqbot/no-such-silk-encoder'))
    const error = await uploader.upload('c2c', 'u1', 'voice', wav(Buffer.from('pcm'))).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OptionalDependencyError)
    expect(error).toMatchObject({ code: 'OPTIONAL_DEPENDENCY_MISSING', packageName: '@qqbot/no-such-silk-encoder' })
    expect((error as Error).message).toContain('npm install @qqbot/no-such-silk-encoder')
    expect(platform.calls.filter((call) => call.path.includes('/v2/'))).toHaveLength(0)
    await uploader.close()
  })
})
