import { QQBotError } from '../errors/qqbot-error.js'

/** The passive-reply window of the event has closed (5 min for group/guild, 60 min for C2C). */
export class ReplyWindowClosedError extends QQBotError {
  constructor(scene: string, windowMs: number, ageMs: number) {
    super(
      'REPLY_WINDOW_CLOSED',
      `Cannot reply: the ${scene} passive-reply window is ${Math.round(windowMs / 60_000)} min and this event is ${Math.round(ageMs / 1000)} s old. ` +
        'The platform no longer allows proactive messages; reply sooner, or to a newer message.',
    )
  }
}

/**
 * The per-message reply budget is spent: `replies.limits` (default 5 per group message, 4 per C2C one) says
 * so before sending, or the platform refused a reply beyond the strictest reading with 22009.
 */
export class ReplyLimitError extends QQBotError {
  constructor(scene: string, limit: number, refusal?: { byPlatform: true; cause: unknown }) {
    super(
      'REPLY_LIMIT_REACHED',
      refusal
        ? `Cannot reply: the platform refused reply ${limit + 1} to this ${scene} message (code 22009), so its budget is ${limit} replies here; ` +
            `lower replies.limits.${scene === 'C2C' ? 'c2c' : 'group'} to ${limit} and combine replies into one message.`
        : `Cannot reply: ${limit} replies were already sent to this ${scene} message, the platform's limit. Combine replies into one message.`,
      refusal ? { cause: refusal.cause } : undefined,
    )
  }
}

/**
 * A reply the platform kept rate-limiting until its passive-reply window was about to close: it was not
 * sent, and can no longer be (the window, less a safety margin, is over).
 */
export class ReplyRateLimitedError extends QQBotError {
  readonly attempts: number

  constructor(details: { scene: string; windowMs: number; marginMs: number; attempts: number; cause: unknown }) {
    super(
      'REPLY_RATE_LIMITED',
      `Reply not sent: the platform rate-limited all ${details.attempts} attempts until the ${details.scene} passive-reply window of ` +
        `${formatWindow(details.windowMs)} was about to close (${Math.round(details.marginMs / 1000)} s before it). ` +
        'The bot is sending faster than the platform allows: send fewer replies, combine them, or spread them out.',
      { cause: details.cause },
    )
    this.attempts = details.attempts
  }
}

function formatWindow(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`
}

/** The event has nowhere to reply to (e.g. GUILD_MEMBER_ADD carries no channel). */
export class ReplyNotSupportedError extends QQBotError {
  constructor(eventName: string) {
    super(
      'REPLY_NOT_SUPPORTED',
      `Cannot reply to ${eventName}: it does not name a channel, group or user to answer. Send with the API (e.g. api.sendChannelMessage) to a target you choose.`,
    )
  }
}

/** The event can be answered, but its payload lacks what the answer needs (a nonconforming payload). */
export class ReplyTargetMissingError extends QQBotError {
  constructor(eventName: string, eventId: string | undefined, missing: readonly string[]) {
    super(
      'REPLY_TARGET_MISSING',
      `Cannot reply to ${eventName}${eventId ? ` (event ${eventId})` : ''}: its payload has no ${missing.join(' and no ')}, which the reply needs. ` +
        'The platform sent an event that does not match the documented shape (see the events_nonconforming metric and its log line); ' +
        'send with the API to a target you know instead.',
    )
  }
}

/** Guild channels and DMs take image URLs only. */
export class MediaNotSupportedError extends QQBotError {
  constructor(
    kind: string,
    instead = 'send an image URL, or a link in the text. Video, voice and files work in groups and C2C',
  ) {
    super('MEDIA_NOT_SUPPORTED', `Guild channels and DMs cannot receive ${kind}: ${instead}.`)
  }
}
