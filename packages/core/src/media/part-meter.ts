/**
 * Counts the part bytes an upload holds in memory right now, and the most it ever held, so the memory bound
 * (a few parts, whatever the file size) is measured by the code rather than guessed from RSS.
 */
export class PartMeter {
  private heldBytes = 0
  private peakBytes = 0

  /** Part bytes held right now. */
  get held(): number {
    return this.heldBytes
  }

  /** The most part bytes held at once so far. */
  get peak(): number {
    return this.peakBytes
  }

  acquire(bytes: number): void {
    this.heldBytes += bytes
    if (this.heldBytes > this.peakBytes) this.peakBytes = this.heldBytes
  }

  release(bytes: number): void {
    this.heldBytes -= bytes
  }
}
