export interface Credentials {
  appId: string
  secret: string
}

/**
 * The bot's QQ credentials from the environment (or `.env`): both set, connect to QQ; neither, chat with the
 * bot on the local page. Exactly one set is a mistake: say which one is missing and stop.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const appId = env.QQBOT_APP_ID?.trim() || undefined
  const secret = env.QQBOT_APP_SECRET?.trim() || undefined
  if (appId && secret) return { appId, secret }
  if (!appId && !secret) return undefined
  const [present, missing] = appId ? ['QQBOT_APP_ID', 'QQBOT_APP_SECRET'] : ['QQBOT_APP_SECRET', 'QQBOT_APP_ID']
  console.error(
    `${present} is set but ${missing} is not: set both (AppID and AppSecret from the QQ Open Platform console, 开发设置) to connect to QQ, or neither to chat with the bot locally.`,
  )
  process.exit(1)
}
