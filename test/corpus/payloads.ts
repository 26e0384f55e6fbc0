/**
 * A corpus of dispatch payloads written from the protocol notes (docs examples, the official SDKs' types and
 * reported captures): one conforming payload for every event the platform sends, then the variants real
 * traffic shows. Each entry says what a handler must receive.
 *
 * `d` is the payload exactly as it goes on the wire: JSON text, so a bare 19-digit id stays as written.
 */

export interface CorpusEntry {
  title: string
  /** Event name (`t`). */
  t: string
  /** The payload as JSON text. */
  d: string
  /** What `event.data` must equal in the handler. */
  expected: unknown
  /** The fields `event.nonconforming` must list (path and whether rewritten); absent for a conforming payload. */
  nonconforming?: readonly { path: string; normalised: boolean }[]
}

const conforming = (t: string, payload: Record<string, unknown>, title = `documented ${t}`): CorpusEntry => ({
  title,
  t,
  d: JSON.stringify(payload),
  expected: payload,
})

const groupMessage = {
  id: 'ROBOT1.0_kbc0OvBI2Dm.lcRm0nEXpFOuC7qgsBI0Gd3MA3iJj-4hY8sGg3fK6Kc1nzXN2eQ3ekDpROLmBBu-5IYy4UJq9A!!',
  content: ' /roll 20',
  timestamp: '2026-05-21T20:15:10+08:00',
  group_id: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
  group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
  author: {
    id: 'E4F4AEA33253A2797FB897C50B81D7ED',
    member_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
    union_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
    member_role: 'member',
  },
  attachments: [],
  message_scene: { source: 'default', ext: ['msg_idx=REFIDX_CLV4g3uD'] },
  message_type: 0,
}

const allMessagesGroupMessage = {
  ...groupMessage,
  id: 'ROBOT1.0_all.messages.1',
  content: 'anyone up for a game?',
  author: { ...groupMessage.author, member_role: 'admin', username: 'alice', bot: false },
  mentions: [
    { scope: 'single', id: 'BOT_ID', member_openid: 'BOT_OPENID', username: 'dice-bot', bot: true, is_you: true },
  ],
  message_type: 103,
  msg_idx: 'REFIDX_CLV4g3uE',
  msg_elements: [
    {
      msg_idx: 'REFIDX_CLV4g3uD',
      content: 'quoted text',
      message_type: 0,
      attachments: [],
      author: { member_openid: 'F00DF00DF00DF00DF00DF00DF00DF00D' },
    },
  ],
}

const c2cMessage = {
  id: 'ROBOT1.0_.b6nx.CVryAO0nR58RXuU6SC.m92gc19j02qKqdm8ek!',
  content: 'hello',
  timestamp: '2026-05-21T20:15:10+08:00',
  author: {
    id: 'E4F4AEA33253A2797FB897C50B81D7ED',
    user_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
    union_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
  },
  attachments: [
    {
      content_type: 'voice',
      filename: 'a.silk',
      size: 3456,
      url: 'https://multimedia.nt.qq.com.cn/download?appid=1402&fileid=abc',
      voice_wav_url: 'https://multimedia.nt.qq.com.cn/download?appid=1402&fileid=abc.wav',
      asr_refer_text: 'hello there',
    },
  ],
  message_scene: { source: 'default' },
  message_type: 0,
}

const guildMessage = {
  id: '08f3fb8ae0c2e3b7d11210e4b5a4b80538f7b7cb8c064801',
  channel_id: '100010',
  guild_id: '18700000000001',
  content: '<@!5678> /ping',
  timestamp: '2026-05-20T15:14:58+08:00',
  edited_timestamp: '',
  mention_everyone: false,
  author: { id: '1234', username: 'alice', avatar: 'http://thirdqq.qlogo.cn/0', bot: false },
  member: { joined_at: '2021-04-12T16:34:42+08:00', roles: ['1'], nick: 'alice' },
  mentions: [{ id: '5678', username: 'bot', avatar: '', bot: true }],
  attachments: [],
  embeds: [],
  seq: 101,
  seq_in_channel: '101',
}

const interaction = {
  id: '30540ff7-9d8f-4737-83f1-e116ce6afa8b',
  application_id: '102000000',
  type: 11,
  scene: 'group',
  chat_type: 1,
  timestamp: '2026-05-21T20:15:10+08:00',
  group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
  group_member_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
  data: { type: 11, resolved: { button_data: 'vote:yes', button_id: '1', feature_id: '', message_id: 'ROBOT1.0_x' } },
  version: 1,
}

const guildUser = { id: '11586990140073229091', username: 'alice', avatar: '', bot: false }

/** One conforming payload for each event the platform dispatches to handlers (READY and RESUMED are the gateway's own). */
export const DOCUMENTED: readonly CorpusEntry[] = [
  conforming('GUILD_CREATE', {
    id: '200000000',
    name: 'Dice club',
    icon: '',
    owner_id: '1',
    owner: false,
    member_count: 12,
    max_members: 300,
    description: '',
    joined_at: '2026-10-21T11:20:18+08:00',
    op_user_id: '1',
  }),
  conforming('GUILD_UPDATE', { id: '200000000', name: 'Dice club 2', op_user_id: '1' }),
  conforming('GUILD_DELETE', { id: '200000000', name: 'Dice club', op_user_id: '1' }),
  conforming('CHANNEL_CREATE', {
    id: '2943679',
    guild_id: '200000000',
    name: 'rolls',
    type: 0,
    sub_type: 0,
    owner_id: '1',
    op_user_id: '1',
  }),
  conforming('CHANNEL_UPDATE', { id: '2943679', guild_id: '200000000', name: 'rolls 2', type: 0, op_user_id: '1' }),
  conforming('CHANNEL_DELETE', { id: '2943679', guild_id: '200000000', name: 'rolls', type: 0, op_user_id: '1' }),
  conforming('GUILD_MEMBER_ADD', {
    guild_id: '200000000',
    joined_at: '2026-04-12T16:34:42+08:00',
    nick: '',
    roles: ['1'],
    user: guildUser,
    op_user_id: guildUser.id,
  }),
  conforming('GUILD_MEMBER_UPDATE', {
    guild_id: '200000000',
    joined_at: '2026-04-12T16:34:42+08:00',
    nick: 'al',
    roles: ['1', '5'],
    user: guildUser,
    op_user_id: '1',
  }),
  conforming('GUILD_MEMBER_REMOVE', {
    guild_id: '200000000',
    joined_at: '2026-04-12T16:34:42+08:00',
    nick: '',
    roles: ['1'],
    user: guildUser,
    op_user_id: guildUser.id,
  }),
  conforming('MESSAGE_CREATE', {
    ...guildMessage,
    id: '08f3fb8ae0c2e3b7d11210e4b5a4b80538f7b7cb8c064802',
    content: 'just chatting',
    mentions: [],
  }),
  conforming('MESSAGE_DELETE', {
    message: { id: guildMessage.id, channel_id: '100010', guild_id: '18700000000001', author: guildUser },
    op_user: { id: '1' },
  }),
  conforming('AT_MESSAGE_CREATE', guildMessage),
  conforming('PUBLIC_MESSAGE_DELETE', {
    message: { id: guildMessage.id, channel_id: '100010', guild_id: '18700000000001', author: guildUser },
    op_user: { id: guildUser.id },
  }),
  conforming('DIRECT_MESSAGE_CREATE', {
    ...guildMessage,
    id: '08f3fb8ae0c2e3b7d11210e4b5a4b80538f7b7cb8c064803',
    guild_id: '1870000000000999',
    content: 'hi',
    mentions: [],
    direct_message: true,
    src_guild_id: '18700000000001',
  }),
  conforming('DIRECT_MESSAGE_DELETE', {
    message: {
      id: guildMessage.id,
      channel_id: '1',
      guild_id: '1870000000000999',
      direct_message: true,
      src_guild_id: '18700000000001',
    },
    op_user: { id: guildUser.id },
  }),
  conforming('MESSAGE_REACTION_ADD', {
    user_id: guildUser.id,
    guild_id: '18700000000001',
    channel_id: '100010',
    target: { id: guildMessage.id, type: 0 },
    emoji: { id: '277', type: 1 },
  }),
  conforming('MESSAGE_REACTION_REMOVE', {
    user_id: guildUser.id,
    guild_id: '18700000000001',
    channel_id: '100010',
    target: { id: guildMessage.id, type: 0 },
    emoji: { id: '😀', type: 2 },
  }),
  conforming('C2C_MESSAGE_CREATE', c2cMessage),
  conforming('FRIEND_ADD', { timestamp: 1747829710, openid: 'E4F4AEA33253A2797FB897C50B81D7ED' }),
  conforming('FRIEND_DEL', { timestamp: 1747829710, openid: 'E4F4AEA33253A2797FB897C50B81D7ED' }),
  conforming('C2C_MSG_REJECT', { timestamp: 1747829710, openid: 'E4F4AEA33253A2797FB897C50B81D7ED' }),
  conforming('C2C_MSG_RECEIVE', {
    timestamp: 1747829710,
    openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
    nick: '',
    avatar: '',
  }),
  conforming('GROUP_AT_MESSAGE_CREATE', groupMessage),
  conforming('GROUP_MESSAGE_CREATE', allMessagesGroupMessage),
  conforming('GROUP_ADD_ROBOT', {
    timestamp: 1747829710,
    group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
    op_member_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
  }),
  conforming('GROUP_DEL_ROBOT', {
    timestamp: 1747829710,
    group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
    op_member_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
  }),
  conforming('GROUP_MSG_REJECT', {
    timestamp: 1747829710,
    group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
    op_member_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
  }),
  conforming('GROUP_MSG_RECEIVE', {
    timestamp: 1747829710,
    group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
    op_member_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
  }),
  conforming('GROUP_MEMBER_ADD', {
    timestamp: 1747829710,
    group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
    member_openid: 'A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4',
  }),
  conforming('GROUP_MEMBER_REMOVE', {
    timestamp: 1747829710,
    group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
    member_openid: 'A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4',
  }),
  conforming('GROUP_MEMBER_UPDATE', {
    timestamp: 1747829710,
    group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
    member_openid: 'A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4',
  }),
  conforming('GROUP_JOIN_REQUEST', {
    group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
    join_request_id: 'JR_01HZX9',
    member_openid: 'A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4',
    union_openid: '',
    username: 'bob',
    apply_at: '2026-09-01T08:00:00+08:00',
    apply_source: 'self_apply',
    bot: false,
    risk_tips: '',
    verify_info: { method: 'verify_message', verify_message: 'a friend sent me' },
  }),
  conforming('SUBSCRIBE_MESSAGE_STATUS', {
    openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
    result: [{ template_id: 10001, custom_template_id: '', op: 1, subscribe_id: 'SUB_1', update_ts: 1747829710 }],
  }),
  conforming('INTERACTION_CREATE', interaction),
  conforming('MESSAGE_AUDIT_PASS', {
    audit_id: 'a-1',
    message_id: guildMessage.id,
    guild_id: '18700000000001',
    channel_id: '100010',
    audit_time: '2026-05-20T15:14:58+08:00',
    create_time: '2026-05-20T15:14:50+08:00',
    seq_in_channel: '102',
  }),
  conforming('MESSAGE_AUDIT_REJECT', {
    audit_id: 'a-2',
    guild_id: '18700000000001',
    channel_id: '100010',
    audit_time: '2026-05-20T15:14:58+08:00',
    create_time: '2026-05-20T15:14:50+08:00',
  }),
  conforming('FORUM_THREAD_CREATE', {
    guild_id: '18700000000001',
    channel_id: '300',
    author_id: guildUser.id,
    thread_info: {
      thread_id: 'T1',
      title: '{"paragraphs":[]}',
      content: '{"paragraphs":[]}',
      date_time: '2026-05-20T15:14:58+08:00',
    },
  }),
  conforming('FORUM_THREAD_UPDATE', {
    guild_id: '18700000000001',
    channel_id: '300',
    author_id: guildUser.id,
    thread_info: { thread_id: 'T1', title: '{}', content: '{}', date_time: '2026-05-20T15:14:58+08:00' },
  }),
  conforming('FORUM_THREAD_DELETE', {
    guild_id: '18700000000001',
    channel_id: '300',
    author_id: guildUser.id,
    thread_info: { thread_id: 'T1' },
  }),
  conforming('FORUM_POST_CREATE', {
    guild_id: '18700000000001',
    channel_id: '300',
    author_id: guildUser.id,
    post_info: { thread_id: 'T1', post_id: 'P1', content: '{}', date_time: '2026-05-20T15:14:58+08:00' },
  }),
  conforming('FORUM_POST_DELETE', {
    guild_id: '18700000000001',
    channel_id: '300',
    author_id: guildUser.id,
    post_info: { thread_id: 'T1', post_id: 'P1' },
  }),
  conforming('FORUM_REPLY_CREATE', {
    guild_id: '18700000000001',
    channel_id: '300',
    author_id: guildUser.id,
    reply_info: { thread_id: 'T1', post_id: 'P1', reply_id: 'R1', content: '{}' },
  }),
  conforming('FORUM_REPLY_DELETE', {
    guild_id: '18700000000001',
    channel_id: '300',
    author_id: guildUser.id,
    reply_info: { thread_id: 'T1', post_id: 'P1', reply_id: 'R1' },
  }),
  conforming('FORUM_PUBLISH_AUDIT_RESULT', {
    guild_id: '18700000000001',
    channel_id: '300',
    author_id: guildUser.id,
    task_id: 'task-1',
    thread_id: 'T1',
    type: 1,
    result: 0,
    err_msg: '',
    date_time: '2026-05-20T15:14:58+08:00',
  }),
  conforming('OPEN_FORUM_THREAD_CREATE', { guild_id: '18700000000001', channel_id: '300', author_id: guildUser.id }),
  conforming('OPEN_FORUM_THREAD_UPDATE', { guild_id: '18700000000001', channel_id: '300', author_id: guildUser.id }),
  conforming('OPEN_FORUM_THREAD_DELETE', { guild_id: '18700000000001', channel_id: '300', author_id: guildUser.id }),
  conforming('OPEN_FORUM_POST_CREATE', { guild_id: '18700000000001', channel_id: '300', author_id: guildUser.id }),
  conforming('OPEN_FORUM_POST_DELETE', { guild_id: '18700000000001', channel_id: '300', author_id: guildUser.id }),
  conforming('OPEN_FORUM_REPLY_CREATE', { guild_id: '18700000000001', channel_id: '300', author_id: guildUser.id }),
  conforming('OPEN_FORUM_REPLY_DELETE', { guild_id: '18700000000001', channel_id: '300', author_id: guildUser.id }),
  conforming('AUDIO_START', {
    guild_id: '18700000000001',
    channel_id: '400',
    audio_url: 'https://example.com/a.mp3',
    text: 'now playing',
  }),
  conforming('AUDIO_FINISH', { guild_id: '18700000000001', channel_id: '400', audio_url: 'https://example.com/a.mp3' }),
  conforming('AUDIO_ON_MIC', { guild_id: '18700000000001', channel_id: '400' }),
  conforming('AUDIO_OFF_MIC', { guild_id: '18700000000001', channel_id: '400' }),
  conforming('AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER', {
    guild_id: '18700000000001',
    channel_id: '400',
    channel_type: 2,
    user_id: guildUser.id,
  }),
  conforming('AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT', {
    guild_id: '18700000000001',
    channel_id: '400',
    channel_type: 5,
    user_id: guildUser.id,
  }),
  conforming('ENTER_AIO', { user_openid: 'E4F4AEA33253A2797FB897C50B81D7ED', from_source: 'profile_card' }),
]

const { group_openid: _omitGroupOpenid, ...groupMessageWithGroupIdOnly } = groupMessage

/** Variants seen in real traffic: each one reaches its handler, rewritten where the variant is known. */
export const VARIANTS: readonly CorpusEntry[] = [
  {
    title: 'group message with group_id and author.id only (older field names)',
    t: 'GROUP_AT_MESSAGE_CREATE',
    d: JSON.stringify({
      ...groupMessageWithGroupIdOnly,
      id: 'ROBOT1.0_variant_old_names',
      author: { id: 'E4F4AEA33253A2797FB897C50B81D7ED' },
    }),
    expected: {
      ...groupMessage,
      id: 'ROBOT1.0_variant_old_names',
      author: { id: 'E4F4AEA33253A2797FB897C50B81D7ED', member_openid: 'E4F4AEA33253A2797FB897C50B81D7ED' },
    },
    nonconforming: [
      { path: 'group_openid', normalised: true },
      { path: 'author.member_openid', normalised: true },
    ],
  },
  {
    title: 'C2C message whose author has id only',
    t: 'C2C_MESSAGE_CREATE',
    d: JSON.stringify({
      ...c2cMessage,
      id: 'ROBOT1.0_variant_c2c_id',
      author: { id: 'E4F4AEA33253A2797FB897C50B81D7ED' },
    }),
    expected: {
      ...c2cMessage,
      id: 'ROBOT1.0_variant_c2c_id',
      author: { id: 'E4F4AEA33253A2797FB897C50B81D7ED', user_openid: 'E4F4AEA33253A2797FB897C50B81D7ED' },
    },
    nonconforming: [{ path: 'author.user_openid', normalised: true }],
  },
  {
    title: 'group and guild mentions without id (@all and a mention by openid)',
    t: 'GROUP_MESSAGE_CREATE',
    d: JSON.stringify({
      ...allMessagesGroupMessage,
      id: 'ROBOT1.0_variant_mentions',
      mentions: [{ scope: 'all' }, { scope: 'single', member_openid: 'M2', is_you: false }],
    }),
    expected: {
      ...allMessagesGroupMessage,
      id: 'ROBOT1.0_variant_mentions',
      mentions: [{ scope: 'all' }, { scope: 'single', member_openid: 'M2', is_you: false }],
    },
  },
  {
    title: 'guild @-message mentioning everyone, the mention without id',
    t: 'AT_MESSAGE_CREATE',
    d: JSON.stringify({
      ...guildMessage,
      id: '08f3fb8ae0c2e3b7d11210e4b5a4b80538f7b7cb8c064804',
      mention_everyone: true,
      mentions: [{ username: '全体成员', bot: false }],
    }),
    expected: {
      ...guildMessage,
      id: '08f3fb8ae0c2e3b7d11210e4b5a4b80538f7b7cb8c064804',
      mention_everyone: true,
      mentions: [{ username: '全体成员', bot: false }],
    },
  },
  {
    title: 'forum ids as small numbers',
    t: 'FORUM_POST_CREATE',
    d: '{"guild_id":18700000000001,"channel_id":300,"author_id":"1234","post_info":{"thread_id":7,"post_id":8}}',
    expected: {
      guild_id: '18700000000001',
      channel_id: '300',
      author_id: '1234',
      post_info: { thread_id: '7', post_id: '8' },
    },
    nonconforming: [
      { path: 'guild_id', normalised: true },
      { path: 'channel_id', normalised: true },
      { path: 'post_info.thread_id', normalised: true },
      { path: 'post_info.post_id', normalised: true },
    ],
  },
  {
    title: 'guild ids beyond 2^53 as bare numbers keep every digit',
    t: 'AT_MESSAGE_CREATE',
    d: JSON.stringify({ ...guildMessage, id: '08f3fb8ae0c2e3b7d11210e4b5a4b80538f7b7cb8c064805' })
      .replace('"guild_id":"18700000000001"', '"guild_id":12345678901234567891')
      .replace('"id":"1234"', '"id":11586990140073229091'),
    expected: {
      ...guildMessage,
      id: '08f3fb8ae0c2e3b7d11210e4b5a4b80538f7b7cb8c064805',
      guild_id: '12345678901234567891',
      author: { ...guildMessage.author, id: '11586990140073229091' },
    },
  },
  {
    title: 'a reaction whose user id is a 19-digit number, beside a content string holding the same digits',
    t: 'MESSAGE_REACTION_ADD',
    d: '{"user_id":9223372036854775807,"guild_id":"1","channel_id":"2","target":{"id":"3","type":0},"emoji":{"id":"277","type":1},"note":"9223372036854775807"}',
    expected: {
      user_id: '9223372036854775807',
      guild_id: '1',
      channel_id: '2',
      target: { id: '3', type: 0 },
      emoji: { id: '277', type: 1 },
      note: '9223372036854775807',
    },
  },
  {
    title: 'timestamp as Unix seconds',
    t: 'GROUP_AT_MESSAGE_CREATE',
    d: JSON.stringify({ ...groupMessage, id: 'ROBOT1.0_variant_unix', timestamp: 1747829710 }),
    expected: { ...groupMessage, id: 'ROBOT1.0_variant_unix', timestamp: 1747829710 },
  },
  {
    title: 'timestamp as a numeric string',
    t: 'C2C_MESSAGE_CREATE',
    d: JSON.stringify({ ...c2cMessage, id: 'ROBOT1.0_variant_numeric_string', timestamp: '1747829710' }),
    expected: { ...c2cMessage, id: 'ROBOT1.0_variant_numeric_string', timestamp: '1747829710' },
  },
  {
    title: 'interaction with chat_type as a string and the C2C user id',
    t: 'INTERACTION_CREATE',
    d: JSON.stringify({
      ...interaction,
      scene: 'c2c',
      chat_type: '2',
      group_openid: undefined,
      group_member_openid: undefined,
      user_openid: 'U1',
    }),
    expected: {
      ...interaction,
      scene: 'c2c',
      chat_type: 2,
      group_openid: undefined,
      group_member_openid: undefined,
      user_openid: 'U1',
    },
    nonconforming: [{ path: 'chat_type', normalised: true }],
  },
  {
    title: 'interaction type 13 (answer feedback) in C2C',
    t: 'INTERACTION_CREATE',
    d: JSON.stringify({
      id: 'fb-1',
      type: 13,
      scene: 'c2c',
      chat_type: 2,
      user_openid: 'U1',
      data: { type: 13, resolved: { button_id: 'like', checked: 1, feedback_opt: 'helpful' } },
      version: 1,
    }),
    expected: {
      id: 'fb-1',
      type: 13,
      scene: 'c2c',
      chat_type: 2,
      user_openid: 'U1',
      data: { type: 13, resolved: { button_id: 'like', checked: 1, feedback_opt: 'helpful' } },
      version: 1,
    },
  },
  {
    title: 'group member event with user_openid instead of member_openid',
    t: 'GROUP_MEMBER_ADD',
    d: '{"timestamp":1747829710,"group_openid":"G1","user_openid":"M9"}',
    expected: { timestamp: 1747829710, group_openid: 'G1', user_openid: 'M9', member_openid: 'M9' },
    nonconforming: [{ path: 'member_openid', normalised: true }],
  },
  {
    title: 'extra fields the platform added later are kept',
    t: 'FRIEND_ADD',
    d: '{"timestamp":1747829710,"openid":"U1","union_openid":"UN1","scene":{"source":"search"}}',
    expected: { timestamp: 1747829710, openid: 'U1', union_openid: 'UN1', scene: { source: 'search' } },
  },
  {
    title: 'a message missing what a reply needs is still delivered',
    t: 'GROUP_AT_MESSAGE_CREATE',
    d: '{"id":"ROBOT1.0_no_group","content":" /ping","author":{"member_openid":"M1"}}',
    expected: { id: 'ROBOT1.0_no_group', content: ' /ping', author: { member_openid: 'M1' } },
    nonconforming: [{ path: 'group_openid', normalised: false }],
  },
  {
    title: 'a payload that is not an object at all is delivered as received',
    t: 'C2C_MSG_RECEIVE',
    d: '"E4F4AEA33253A2797FB897C50B81D7ED"',
    expected: 'E4F4AEA33253A2797FB897C50B81D7ED',
    nonconforming: [{ path: '(root)', normalised: false }],
  },
]

/** Every entry, documented payloads first. */
export const CORPUS: readonly CorpusEntry[] = [...DOCUMENTED, ...VARIANTS]
