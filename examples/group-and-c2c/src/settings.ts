/** A public image (PNG/JPG on port 80/443) the bot sends for /cat: the platform downloads it when uploading. */
export const DEFAULT_IMAGE_URL = 'https://picsum.photos/seed/qqbot/480/320.jpg'

/** What the example's controllers are configured with; provided as a value by `createGroupAndC2cBot`. */
export class ExampleSettings {
  constructor(readonly imageUrl: string = DEFAULT_IMAGE_URL) {}
}
