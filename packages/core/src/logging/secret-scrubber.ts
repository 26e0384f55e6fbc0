const MIN_SECRET_LENGTH = 6
const REPLACEMENT = '[redacted]'

/**
 * Remembers secret values (the AppSecret, every access token issued) and removes them from
 * any text, so a secret that ends up inside an error message or a URL still never reaches a log line.
 */
export class SecretScrubber {
  private readonly pinned = new Set<string>()
  private readonly rotating = new Set<string>()
  private pattern: RegExp | undefined

  /**
   * Remembers a secret. `pinned` ones (the AppSecret) are kept for good; others (access tokens) rotate every
   * two hours, so only the newest 16 are kept.
   */
  add(secret: string | undefined, options: { pinned?: boolean } = {}): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.pinned.has(secret) || this.rotating.has(secret)) return
    if (options.pinned) this.pinned.add(secret)
    else {
      this.rotating.add(secret)
      if (this.rotating.size > 16) this.rotating.delete(this.rotating.values().next().value as string)
    }
    this.pattern = new RegExp([...this.pinned, ...this.rotating].map(escapeRegExp).join('|'), 'g')
  }

  scrub(text: string): string {
    if (!this.pattern) return text
    return text.replace(this.pattern, REPLACEMENT)
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
