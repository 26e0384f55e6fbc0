const MIN_SECRET_LENGTH = 6
const REPLACEMENT = '[redacted]'

/**
 * Remembers secret values (the AppSecret, every access token issued) and removes them from
 * any text, so a secret that ends up inside an error message or a URL still never reaches a log line.
 */
export class SecretScrubber {
  private readonly secrets = new Set<string>()
  private pattern: RegExp | undefined

  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return
    this.secrets.add(secret)
    // Keep the set small: tokens rotate every two hours, so only the newest ones matter.
    if (this.secrets.size > 16) this.secrets.delete(this.secrets.values().next().value as string)
    this.pattern = new RegExp([...this.secrets].map(escapeRegExp).join('|'), 'g')
  }

  scrub(text: string): string {
    if (!this.pattern) return text
    return text.replace(this.pattern, REPLACEMENT)
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
