import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { c2cMessage, groupAtMessage } from '@qqbot/fake-platform'
import { Command, CommandContext, Controller } from '@qqbot/framework'
import { startBotHarness } from './support/bot-harness.js'

let dir = ''
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qqbot-media-replies-'))
  await writeFile(join(dir, 'cat.png'), Buffer.alloc(3000, 1))
  await writeFile(join(dir, 'clip.mp4'), Buffer.alloc(6 * 1024 * 1024, 2))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
})

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

@Controller()
class MediaCommands {
  @Command('cat')
  cat() {
    return { image: { path: join(dir, 'cat.png') }, content: 'a cat' }
  }

  @Command('clip')
  async clip(ctx: CommandContext) {
    await ctx.reply({ video: { path: join(dir, 'clip.mp4') } })
  }

  @Command('notes')
  async notes(ctx: CommandContext) {
    await ctx.reply({ file: { data: Buffer.from('remember the milk'), name: 'notes.txt' } })
  }
}

describe('media in command replies', () => {
  it('GIVEN commands returning or replying with a local image, a 6 MB video and a named file THEN each is uploaded and sent as msg_type 7', async () => {
    const { platform, say } = await startBotHarness({ controllers: [MediaCommands] }, cleanups)
    expect(await say(groupAtMessage({ content: '/cat', groupOpenid: 'g1' }))).toEqual(['a cat'])
    await say(c2cMessage({ content: '/clip', userOpenid: 'u1' }))
    await say(c2cMessage({ content: '/notes', userOpenid: 'u1' }))
    const uploads = platform.calls.filter((call) => /\/(files|upload_prepare)$/.test(call.path))
    expect(uploads.map((call) => call.path)).toEqual([
      '/v2/groups/g1/files',
      '/v2/users/u1/upload_prepare',
      '/v2/users/u1/files',
      '/v2/users/u1/files',
    ])
    expect(uploads[0]!.body).toMatchObject({ file_type: 1, file_data: Buffer.alloc(3000, 1).toString('base64') })
    expect(uploads[1]!.body).toMatchObject({ file_type: 2, file_name: 'clip.mp4', file_size: 6 * 1024 * 1024 })
    expect(uploads[3]!.body).toMatchObject({ file_type: 4, file_name: 'notes.txt' })
    expect(platform.mediaStats).toMatchObject({ completed: 1, partsStored: 6 })
    expect(platform.sent.map((message) => message.body.msg_type)).toEqual([7, 7, 7])
  })
})
