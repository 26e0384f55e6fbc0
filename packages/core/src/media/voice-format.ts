/** Voice formats told apart by their first bytes (never by the file name). */
export type VoiceFormat = 'silk' | 'wav' | 'mp3' | 'ogg-opus' | 'ogg-vorbis' | 'flac'

/** The formats that are decoded to PCM before the SILK encoder (SILK and WAV need no decoder). */
export type DecodedVoiceFormat = Exclude<VoiceFormat, 'silk' | 'wav'>

/** What the first bytes say: a format this module handles, or a label for the error message. */
export type DetectedVoice = { format: VoiceFormat } | { format: undefined; label: string }

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return Buffer.from(bytes.subarray(at, at + length)).toString('latin1')
}

/** The size of an ID3v2 tag at the start (its header included), 0 when there is none. */
function id3Size(bytes: Uint8Array): number {
  if (bytes.length < 10 || ascii(bytes, 0, 3) !== 'ID3') return 0
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f)
  const footer = (bytes[5]! & 0x10) !== 0 ? 10 : 0
  return 10 + size + footer
}

/** An MPEG audio frame header (layer I–III); ADTS AAC has the same sync but layer bits 00. */
function isMpegFrame(bytes: Uint8Array, at: number): boolean {
  const b1 = bytes[at + 1]
  return bytes[at] === 0xff && b1 !== undefined && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) !== 0 && (b1 & 0x18) !== 0x08
}

/** The format of a voice from its magic bytes. SILK may carry Tencent's leading 0x02. */
export function detectVoiceFormat(bytes: Uint8Array): DetectedVoice {
  const start = ascii(bytes, 0, 12)
  if (start.startsWith('#!SILK_V3') || start.startsWith('\x02#!SILK_V3')) return { format: 'silk' }
  if (start.startsWith('RIFF') && start.slice(8, 12) === 'WAVE') return { format: 'wav' }
  if (start.startsWith('OggS')) {
    // The first page carries one packet, the codec's identification header, after 27 + segment-count bytes.
    const packet = 27 + (bytes[26] ?? 0)
    if (ascii(bytes, packet, 8) === 'OpusHead') return { format: 'ogg-opus' }
    if (ascii(bytes, packet, 7) === '\x01vorbis') return { format: 'ogg-vorbis' }
    return { format: undefined, label: 'Ogg with another codec' }
  }
  const skip = id3Size(bytes)
  if (ascii(bytes, skip, 4) === 'fLaC') return { format: 'flac' }
  if (isMpegFrame(bytes, skip)) return { format: 'mp3' }
  if (ascii(bytes, 4, 4) === 'ftyp') return { format: undefined, label: 'm4a/mp4' }
  if (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xf6) === 0xf0) return { format: undefined, label: 'AAC (ADTS)' }
  if (start.startsWith('#!AMR')) return { format: undefined, label: 'AMR' }
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return { format: undefined, label: 'WebM/Matroska' }
  return { format: undefined, label: skip > 0 ? 'ID3-tagged, unknown audio' : 'unknown' }
}
