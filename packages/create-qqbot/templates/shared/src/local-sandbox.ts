import { SandboxPortInUseError, SandboxPortInvalidError, startSandbox, type Sandbox } from '@qqbot/sandbox'

/** The local chat page. A port already taken (or not a port) is one clear line and exit 1, not a stack trace. */
export async function startLocalSandbox(): Promise<Sandbox> {
  try {
    return await startSandbox()
  } catch (error) {
    if (!(error instanceof SandboxPortInUseError || error instanceof SandboxPortInvalidError)) throw error
    console.error(error.message)
    process.exit(1)
  }
}
