import type { MessageBody } from '../rest/api-types.js'
import type { CallOptions } from '../rest/open-api.js'
import { MediaNotSupportedError } from '../reply/reply-errors.js'
import type { ReplyTarget } from '../reply/reply-target.js'
import { MediaSourceError } from './media-errors.js'
import { MEDIA_KINDS, type MediaKind } from './media-options.js'
import { isRemoteUrl, type MediaSource } from './media-source.js'
import type { MediaUploader } from './media-uploader.js'

/** The media fields of a reply: at most one of them per message. */
export interface ReplyMedia {
  /** Any scene: guild channels and DMs take an http(s) URL only; groups and C2C any {@link MediaSource}. */
  image?: MediaSource
  /** Groups and C2C. */
  video?: MediaSource
  /** Groups and C2C (SILK; newer reports say mp3/wav/ogg are taken as well). */
  voice?: MediaSource
  /** Groups and C2C: any file, shown with its name (`{ path }`'s base name, or `{ data, name }`). */
  file?: MediaSource
}

/** {@link MessageBody}'s named fields, without its index signature (which would swallow `Omit`). */
type MessageFields = {
  [K in keyof MessageBody as string extends K ? never : number extends K ? never : K]: MessageBody[K]
}

/** A reply message: a {@link MessageBody} whose media fields take any {@link MediaSource}. */
export type ReplyMessage = Omit<MessageFields, keyof ReplyMedia> & ReplyMedia & { [key: string]: unknown }

/** The one media of a reply. */
export interface PickedMedia {
  kind: MediaKind
  source: MediaSource
}

/** Splits a reply into the body to send and its media; two media in one reply are refused. */
export function splitReply(content: string | ReplyMessage): { body: MessageBody; media: PickedMedia | undefined } {
  if (typeof content === 'string') return { body: { content }, media: undefined }
  const { image, video, voice, file, ...rest } = content
  const given = { image, video, voice, file }
  const kinds = MEDIA_KINDS.filter((kind) => given[kind] !== undefined)
  if (kinds.length > 1)
    throw new MediaSourceError(
      `A message carries one media, but this reply has ${kinds.join(' and ')}: send them as separate replies.`,
    )
  const kind = kinds[0]
  return { body: rest as MessageBody, media: kind ? { kind, source: given[kind]! } : undefined }
}

/**
 * Puts the media on the body the way the scene takes it: group and C2C upload it and attach the `file_info`
 * (the message becomes `msg_type: 7`); guild channels and DMs take an image URL as the `image` field and
 * refuse anything else with {@link MediaNotSupportedError}.
 */
export async function attachMedia(
  uploader: MediaUploader,
  target: ReplyTarget,
  body: MessageBody,
  media: PickedMedia | undefined,
  call: CallOptions,
): Promise<void> {
  if (!media) return
  if (target.scene === 'group' || target.scene === 'c2c') {
    const info = await uploader.upload(target.scene, target.targetId, media.kind, media.source, call)
    body.media = { file_info: info.file_info }
    return
  }
  if (media.kind !== 'image') throw new MediaNotSupportedError(media.kind)
  if (!isRemoteUrl(media.source))
    throw new MediaNotSupportedError('an image from a file, Buffer or stream', 'pass an http(s) URL of the image')
  body.image = String(media.source)
}
