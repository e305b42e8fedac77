// RFC 9568 §7.1 asks for rate-limited logging of dropped adverts, so a misconfigured peer cannot flood the log.
export class LogRateLimiter {
  private readonly lastAt = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  /** True when a message with this key may be logged at `now`. */
  allow(key: string, now: number): boolean {
    const last = this.lastAt.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.lastAt.set(key, now);
    return true;
  }
}
