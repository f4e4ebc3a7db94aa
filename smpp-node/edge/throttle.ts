/**
 * Per-account speed limit in message parts per second (Account.speed), held across all nodes: each node
 * runs a token bucket at the share of the account's speed that matches the share of the account's
 * submitting sessions it holds (from the session registry). Four sessions on two nodes, three here:
 * this node allows 3/4 of the speed. Over the limit the submit gets ESME_RTHROTTLED.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private rate: number,
    now: number,
    private burstSec = 1,
  ) {
    this.tokens = this.capacity
    this.last = now
  }

  /** Burst tolerance: a full second of the rate can be spent at once (at least one part). */
  get capacity(): number {
    return Math.max(1, this.rate * this.burstSec)
  }

  get ratePerSec(): number {
    return this.rate
  }

  /** A new rate, and the account's burst allowance in seconds of it (Account.throttle.burstSec, issue 17). */
  setRate(rate: number, now: number, burstSec = this.burstSec): void {
    this.refill(now)
    this.rate = rate
    this.burstSec = burstSec
    this.tokens = Math.min(this.tokens, this.capacity)
  }

  /**
   * Takes `parts` tokens. A message of more parts than the bucket holds passes when the bucket is full and
   * leaves it in debt, so a long message is slowed down but never refused forever.
   */
  take(parts: number, now: number): boolean {
    this.refill(now)
    if (this.tokens >= Math.min(parts, this.capacity)) {
      this.tokens -= parts
      return true
    }
    return false
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last) / 1000
    this.last = now
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate)
  }
}

/** This node's share of an account's speed: its own submitting sessions over all of them (never zero while it holds one). */
export const shareOf = (speed: number, local: number, elsewhere: number): number =>
  local <= 0 ? speed : (speed * local) / (local + Math.max(0, elsewhere))

/** One bucket per account with sessions on this node. */
export class Throttles {
  private readonly buckets = new Map<string, TokenBucket>()

  constructor(private readonly burstSec = 1) {}

  /** Sets the account's rate on this node (after a bind, an unbind or a heartbeat read the registry). */
  configure(accountId: string, ratePerSec: number, now: number, burstSec = this.burstSec): void {
    const b = this.buckets.get(accountId)
    if (b) b.setRate(ratePerSec, now, burstSec)
    else this.buckets.set(accountId, new TokenBucket(ratePerSec, now, burstSec))
  }

  forget(accountId: string): void {
    this.buckets.delete(accountId)
  }

  rateOf(accountId: string): number | undefined {
    return this.buckets.get(accountId)?.ratePerSec
  }

  /** False when the account is over its speed. An account without a bucket is not limited here (not bound yet). */
  take(accountId: string, parts: number, now: number): boolean {
    return this.buckets.get(accountId)?.take(parts, now) ?? true
  }
}
