import { fileURLToPath } from 'node:url'
import { decode, getDuration, isSilk } from 'silk-wasm'
import { afterEach, describe, expect, it } from 'vitest'
import { c2cMessage } from '@qqbot/fake-platform'
import { Command, Controller } from '@qqbot/framework'
import { createIntegrationBot } from '@qqbot/testing'

/**
 * The fixtures are a 440 Hz tone with a 3 Hz tremolo, written as 16-bit WAV by a few lines of Node and
 * encoded with the Debian tools: `lame -b 48 --resample 44.1 --add-id3v2` (stereo 44.1 kHz mp3, 1.5 s),
 * `opusenc --bitrate 12` (48 kHz mono, 1.5 s), `oggenc -q -1` (22.05 kHz mono Vorbis, 1.5 s) and
 * `flac -8` (16 kHz mono, 1 s).
 */
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/voice/${name}`, import.meta.url))

const VOICES = [
  ['mp3', 'tone-stereo-44k.mp3', 1500],
  ['opus', 'tone-48k.opus', 1500],
  ['vorbis', 'tone-22k.ogg', 1500],
  ['flac', 'tone-16k.flac', 1000],
] as const

@Controller()
class VoiceCommands {
  @Command('mp3')
  mp3() {
    return { voice: { path: fixture(VOICES[0][1]) } }
  }

  @Command('opus')
  opus() {
    return { voice: { path: fixture(VOICES[1][1]) } }
  }

  @Command('vorbis')
  vorbis() {
    return { voice: { path: fixture(VOICES[2][1]) } }
  }

  @Command('flac')
  flac() {
    return { voice: { path: fixture(VOICES[3][1]) } }
  }
}

/** Sign changes a second: twice the frequency of a pure tone. */
function zeroCrossingsPerSecond(pcm: Uint8Array, sampleRate: number): number {
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2)
  let crossings = 0
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++
  return crossings / (samples.length / sampleRate)
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe("voiceFormat: 'silk' with the real decoders and encoder", () => {
  it('GIVEN mp3, Ogg Opus, Ogg Vorbis and FLAC voices THEN each reaches the platform (which checks SILK) as SILK of the same length and pitch', async () => {
    // Compiling the wasm codecs and encoding takes a few seconds on a loaded 2-core machine: wait longer than 5 s.
    const integration = await createIntegrationBot({
      controllers: [VoiceCommands],
      media: { voiceFormat: 'silk' },
      replyTimeoutMs: 30_000,
    })
    cleanups.push(() => integration.close())
    const { platform } = integration
    for (const [command] of VOICES)
      await integration.deliver(c2cMessage({ content: `/${command}`, userOpenid: 'u-voice' }), { expected: 1 })
    const uploads = platform.calls.filter((call) => call.path === '/v2/users/u-voice/files')
    expect(uploads.map((call) => call.status)).toEqual([200, 200, 200, 200])
    expect(platform.sent.map((message) => message.body.msg_type)).toEqual([7, 7, 7, 7])
    for (const [index, [, , milliseconds]] of VOICES.entries()) {
      const body = uploads[index]!.body as { file_type: number; file_data: string }
      expect(body.file_type).toBe(3)
      const silk = Buffer.from(body.file_data, 'base64')
      expect(isSilk(silk)).toBe(true)
      expect(Math.abs(getDuration(silk) - milliseconds)).toBeLessThanOrEqual(100)
      // A wrong rate or a broken downmix would shift or smear the 440 Hz tone.
      const { data } = await decode(silk, 24000)
      expect(zeroCrossingsPerSecond(data, 24000)).toBeGreaterThan(880 * 0.95)
      expect(zeroCrossingsPerSecond(data, 24000)).toBeLessThan(880 * 1.05)
    }
  }, 90_000)
})
