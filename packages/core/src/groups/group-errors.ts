import { QQBotError } from '../errors/qqbot-error.js'

/** The code the platform answers a bot that lacks an invite-only (内邀) API with. */
export const API_NOT_GRANTED = 11253

/**
 * The group-management API is invite-only (内邀): the platform grants it to whitelisted bots only and answered
 * 11253. Nothing in the request can fix it.
 */
export class GroupApiNotGrantedError extends QQBotError {
  readonly route: string

  constructor(route: string, cause: unknown) {
    super(
      'GROUP_API_NOT_GRANTED',
      `${route} was refused with code 11253: the group-management APIs are invite-only (内邀), open only to bots the ` +
        'platform has whitelisted. Apply for the permission through the QQ Open Platform (your bot’s console or your ' +
        'platform contact); until then, manage the group by hand.',
      { cause },
    )
    this.route = route
  }
}

/** The bot must be an admin of the group for this call (removing members, answering join requests). */
export class GroupAdminRequiredError extends QQBotError {
  readonly groupOpenid: string

  constructor(groupOpenid: string, cause: unknown) {
    super(
      'GROUP_ADMIN_REQUIRED',
      `The platform refused: the bot is not an admin of group ${groupOpenid}, and this call needs one. ` +
        'Ask the group owner to make the bot an admin.',
      { cause },
    )
    this.groupOpenid = groupOpenid
  }
}

/** A group-management request refused before sending because it breaks a documented limit. */
export class GroupRequestInvalidError extends QQBotError {
  constructor(message: string) {
    super('GROUP_REQUEST_INVALID', message)
  }
}
