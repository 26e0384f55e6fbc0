/** Why a group/C2C send without `msg_id`/`event_id` fails, in the error raised before sending and in the platform's refusal. */
export const PROACTIVE_DISCONTINUED =
  'Proactive messages were discontinued by the platform on 2025-04-21: a group or C2C send must be a passive reply carrying the msg_id or event_id of an inbound event (reply() adds it).'

/** What to do about the platform's error codes we know (docs/protocol.md, errors). Used in error messages and docs. */
export const PLATFORM_CODE_HINTS: ReadonlyMap<number, string> = new Map([
  [11241, 'The request carried no access token.'],
  [11242, 'The token check failed; if it persists, check the AppID and AppSecret.'],
  [11243, 'The access token is wrong.'],
  [11244, 'The access token expired or does not exist; the client refreshes it and retries once.'],
  [11245, 'The legacy fixed token (Bot appid.token) is disabled; authenticate with the AppSecret.'],
  [11251, 'Invalid AppID.'],
  [11253, 'This API is not granted to the bot; apply for it in the console.'],
  [11254, 'This API is banned for the bot.'],
  [11262, 'The bot token may not call this API.'],
  [11264, 'The bot lacks the guild permission this API needs.'],
  [11265, 'The bot is banned.'],
  [
    11298,
    "The caller's IP address is not on the bot's IP whitelist: add this machine's public IP in the console (开发设置 → IP白名单).",
  ],
  [20028, 'Channel write rate limit; retried with backoff (passive replies until their reply window closes).'],
  [
    22009,
    'Message limit exceeded: a rate limit, retried with backoff (passive replies until their reply window closes), or the per-message reply budget spent.',
  ],
  [304003, 'A URL in the message is not registered in the console (开发设置 → 消息URL配置).'],
  [304018, 'The bot has no live gateway session; guild sends need one. Start the gateway first.'],
  [304022, 'Proactive messages are not allowed at this time of day (about 00:00–06:00).'],
  [304026, 'The msg_id is invalid.'],
  [304027, 'The message to reply to is too old: the passive reply window closed.'],
  [304045, 'Proactive message limit reached.'],
  [304049, 'Proactive message limit reached.'],
  [304050, 'Proactive message limit reached.'],
  [304036, 'The bot may not use this markdown template; check its approval in the console.'],
  [304037, 'The bot may not use this keyboard (template not approved, or keyboards not granted).'],
  [304038, 'The keyboard template was not found.'],
  [304039, 'The keyboard could not be parsed.'],
  [304040, 'The keyboard content is invalid (at most 5 rows of 5 buttons).'],
  [
    304041,
    'Markdown is not allowed in a passive reply here (not granted, or sent with a message_reference): send plain text.',
  ],
  [
    304057,
    'A custom keyboard is not allowed in a passive reply: send without the keyboard, or use an approved template.',
  ],
  [340072, 'The markdown template could not be fetched; check its id.'],
  [40034012, 'Native markdown is not allowed for this bot: send plain text.'],
  [40034090, 'Markdown was sent without the permission for it: send plain text.'],
  [40034059, 'The send failed; a markdown or keyboard body is the usual cause: try plain text.'],
  [
    40054010,
    'The text contains a URL the platform does not allow: remove the link, or register its domain in the console.',
  ],
  [50059, 'The typing indicator (input_notify) is missing or invalid.'],
  [40093001, 'The uploaded part is still being processed: retry the part finish after a second.'],
  [40093002, 'The daily upload quota is used up: send a link instead, or upload tomorrow.'],
  [304082, 'The platform could not fetch the media; retried.'],
  [304083, 'The platform could not fetch the media; retried.'],
  [40034102, PROACTIVE_DISCONTINUED],
  [40034105, PROACTIVE_DISCONTINUED],
  [
    40054005,
    'Duplicate msg_seq for this msg_id: each reply to one message needs its own msg_seq (reply() allocates them).',
  ],
  [50006, 'The message is empty.'],
  [50045, 'A bot cannot reply to its own message.'],
  [50054, 'The markdown template parameters are invalid.'],
  [50055, 'The markdown content is invalid.'],
  [50056, 'Native markdown is not allowed for this bot: send plain text, or apply for markdown in the console.'],
  [50057, 'Markdown content and a markdown template are mutually exclusive.'],
  [850026, 'The platform could not download the media (check the URL is public, on port 80/443).'],
  [40034001, 'The platform could not download the media (check the URL is public, on port 80/443).'],
  [850019, 'The media format is not supported.'],
  [40034002, 'The media format is not supported.'],
  [40011000, 'The request body is malformed (for example a wrong media shape).'],
  ...panelHints(),
])

/** Codes that mean "slow down": retried with backoff like HTTP 429. */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([20028, 22009])
/** Codes that mean "try again": the platform failed to fetch media. */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([304082, 304083])
/** Codes that mean the access token is no longer good. */
export const TOKEN_EXPIRED_CODES: ReadonlySet<number> = new Set([11244])

/** Panel codes come as `300xx` or `4003xxxx` (sources disagree): both carry the same hint. */
function panelHints(): [number, string][] {
  const hints: [number, string][] = [
    [30009, 'Another panel operation is running: retry shortly.'],
    [30011, "The panel scope is invalid: use 'c2c', 'group', 'channel' or 'dm'."],
    [30012, "target_type is invalid: channel and dm panels take 'all' only."],
    [30013, 'A panel limit was reached: at most 20 items per panel and 20 panels per bot.'],
    [30015, "A panel item type is invalid: use 'command' or 'link'."],
    [30016, 'The panel request lacks its scope or panel.'],
    [30018, 'Panels are not supported in this scene.'],
    [30020, 'The panel content was refused by the content check.'],
    [30021, "Targets cannot be added to a panel shown to everyone (target_type 'all')."],
  ]
  return hints.flatMap(([code, hint]) => [
    [code, hint],
    [40_000_000 + code, hint],
  ])
}
