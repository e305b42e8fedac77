// RFC 9568 §7.1 asks for rate-limited logging of dropped adverts, so a misconfigured peer cannot flood the log.
// Keys often carry the sender's address, which a hostile LAN can vary at will: the table is bounded, and when
// it is full the entries older than the interval (which no longer suppress anything) are dropped.
export class LogRateLimiter {
  private readonly lastAt = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 256,
  ) {}

  /** True when a message with this key may be logged at `now`. */
  allow(key: string, now: number): boolean {
    const last = this.lastAt.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    if (last === undefined && this.lastAt.size >= this.maxKeys) this.forgetExpired(now);
    // Still full of live entries: suppress rather than grow (the flood is what rate limiting is for).
    if (last === undefined && this.lastAt.size >= this.maxKeys) return false;
    this.lastAt.set(key, now);
    return true;
  }

  private forgetExpired(now: number): void {
    for (const [key, at] of this.lastAt) if (now - at >= this.intervalMs) this.lastAt.delete(key);
  }
}
