/**
 * @qqbot/sandbox: run a bot against the embedded fake QQ platform and chat with it in the browser
 * (guild channel, guild DM, group, C2C), with a live log of gateway and REST traffic and the bot's metrics.
 */
export { startSandbox, SandboxInputError, type Sandbox, type SandboxConnection, type SayInput } from './sandbox.js'
export { DEFAULT_SANDBOX_PORT, resolvePort, type SandboxOptions } from './sandbox-options.js'
export { SandboxPortInUseError, SandboxPortInvalidError } from './sandbox-errors.js'
export { SCENE_LABELS, type ConversationInfo } from './scenes.js'
export { USER_NAME_PATTERN, type SandboxUser } from './users.js'
export type { Entry, UserEntry, BotEntry, NoticeEntry } from './conversation-store.js'
export type { ReplyView, ButtonView, ButtonAction, MediaView } from './reply-view.js'
export {
  SOCKET_PATH,
  MAX_TEXT_LENGTH,
  type ClientMessage,
  type ErrorCode,
  type ProtocolError,
} from './page-protocol.js'
export type { LogEntry } from './traffic-log.js'
