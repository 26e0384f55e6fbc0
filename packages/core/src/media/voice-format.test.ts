import { describe, expect, it } from 'vitest'
import { detectVoiceFormat } from './voice-format.js'

const bytes = (...parts: (string | number[] | Buffer)[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))))

/** An Ogg first page: 27-byte header whose last byte is the segment count, the segment table, then the packet. */
const oggPage = (packet: string) => bytes('OggS', new Array<number>(22).fill(0), [1], [packet.length], packet)

/** An ID3v2 tag of `size` bytes after its 10-byte header (size as four 7-bit digits). */
const id3 = (size: number) => bytes('ID3', [4, 0, 0, 0, 0, 0, size], new Array<number>(size).fill(0))

describe('detectVoiceFormat', () => {
  it.each([
    ['SILK', bytes('#!SILK_V3', [1, 2]), 'silk'],
    ["Tencent's SILK with a leading 0x02", bytes([2], '#!SILK_V3'), 'silk'],
    ['WAV', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'wav'],
    ['mp3 frame (MPEG-1 layer III)', bytes([0xff, 0xfb, 0x90, 0x64]), 'mp3'],
    ['mp3 frame (MPEG-2 layer III)', bytes([0xff, 0xf3, 0x48, 0x64]), 'mp3'],
    ['mp3 after an ID3v2 tag', bytes(id3(20), [0xff, 0xfb, 0x90, 0x64]), 'mp3'],
    ['FLAC', bytes('fLaC', [0, 0, 0, 34]), 'flac'],
    ['FLAC after an ID3v2 tag', bytes(id3(5), 'fLaC'), 'flac'],
    ['Ogg Opus', oggPage('OpusHead\x01\x01'), 'ogg-opus'],
    ['Ogg Vorbis', oggPage('\x01vorbis\x00\x00'), 'ogg-vorbis'],
  ])('GIVEN %s THEN it is told from its first bytes', (_, input, format) => {
    expect(detectVoiceFormat(input)).toEqual({ format })
  })

  it.each([
    ['m4a', bytes([0, 0, 0, 0x20], 'ftypM4A '), 'm4a/mp4'],
    ['ADTS AAC (same sync as mp3, layer bits 00)', bytes([0xff, 0xf1, 0x50, 0x80]), 'AAC (ADTS)'],
    ['Ogg FLAC', oggPage('\x7fFLAC\x01\x00'), 'Ogg with another codec'],
    ['AMR', bytes('#!AMR\n'), 'AMR'],
    ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3]), 'WebM/Matroska'],
    ['an ID3 tag longer than the bytes', bytes('ID3 mp3 bytes'), 'ID3-tagged, unknown audio'],
    ['text', bytes('hello'), 'unknown'],
    ['nothing', bytes(), 'unknown'],
  ])('GIVEN %s THEN no format, and a label for the error', (_, input, label) => {
    expect(detectVoiceFormat(input)).toEqual({ format: undefined, label })
  })
})
