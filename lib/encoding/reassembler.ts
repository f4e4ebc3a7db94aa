// Joins the parts of a long message (concat UDH or SAR TLVs) back into one. Pure state: the caller passes `now`,
// so tests step time without sleeping, and decides when to call expire().
import { decodeText } from './data-coding'
import type { Gsm7Tables } from './national-language'

export interface Fragment {
  /** Who the message is between, e.g. `${systemId}/${sourceAddr}/${destinationAddr}`: references are per sender. */
  key: string
  dataCoding: number
  scheme: 'udh8' | 'udh16' | 'sar'
  reference: number
  total: number
  seq: number
  payload: Buffer
  /** The national language tables this part's UDH names (readPart's `tables`); they apply to this part only. */
  tables?: Gsm7Tables
}

export interface Reassembled {
  key: string
  reference: number
  dataCoding: number
  /** The joined user data; joined before decoding, so an escape or surrogate pair cut by the sender still reads right. */
  payload: Buffer
  /** Decoded text, or null for a binary data coding (see decodeText). */
  text: string | null
}

export interface Expired {
  key: string
  reference: number
  total: number
  received: number
}

interface Open {
  key: string
  reference: number
  total: number
  dataCoding: number
  firstSeen: number
  parts: Map<number, { payload: Buffer; tables?: Gsm7Tables }>
}

const tablesKey = (t?: Gsm7Tables) => (t ? `${t.locking}/${t.single}` : '0/0')

export interface ReassemblerOptions {
  /** Open messages kept at most; the oldest is dropped to make room (a sender that never finishes must not grow memory). */
  maxOpen?: number
  /** Age after which expire() drops an incomplete message. */
  ttlMs?: number
}

export class Reassembler {
  readonly #open = new Map<string, Open>() // insertion order = first seen, so the first entry is the oldest
  readonly #maxOpen: number
  readonly #ttlMs: number
  #dropped = 0

  constructor({ maxOpen = 1000, ttlMs = 10 * 60_000 }: ReassemblerOptions = {}) {
    this.#maxOpen = maxOpen
    this.#ttlMs = ttlMs
  }

  /** Incomplete messages held now. */
  get size(): number {
    return this.#open.size
  }

  /** Incomplete messages dropped because maxOpen was reached. */
  get dropped(): number {
    return this.#dropped
  }

  /**
   * Adds a part; returns the whole message when this part completes it. Parts may come in any order; a repeated
   * seq (a resubmitted part) keeps the first copy. The total is part of the identity, so a reused reference with a
   * different part count starts a separate message instead of corrupting one.
   */
  push(fragment: Fragment, now: number): Reassembled | undefined {
    const { key, scheme, reference, total, seq } = fragment
    if (total < 1 || seq < 1 || seq > total) return undefined
    const id = `${key}\u0000${scheme}\u0000${reference}\u0000${total}`
    let open = this.#open.get(id)
    if (!open) {
      if (this.#open.size >= this.#maxOpen) {
        const oldest = this.#open.keys().next().value
        if (oldest !== undefined) this.#open.delete(oldest)
        this.#dropped++
      }
      open = { key, reference, total, dataCoding: fragment.dataCoding, firstSeen: now, parts: new Map() }
      this.#open.set(id, open)
    }
    if (!open.parts.has(seq)) open.parts.set(seq, { payload: fragment.payload, tables: fragment.tables })
    if (open.parts.size < total) return undefined
    this.#open.delete(id)
    const parts = Array.from({ length: total }, (_, i) => open.parts.get(i + 1)!)
    const payload = Buffer.concat(parts.map((p) => p.payload))
    // Shift IEs apply per segment (TS 23.040 9.2.3.24.15/16): parts that name different tables are read one by one.
    const same = parts.every((p) => tablesKey(p.tables) === tablesKey(parts[0].tables))
    const text = same
      ? decodeText(open.dataCoding, payload, parts[0].tables)
      : parts.map((p) => decodeText(open.dataCoding, p.payload, p.tables) ?? '').join('')
    return { key, reference, dataCoding: open.dataCoding, payload, text }
  }

  /** Drops incomplete messages first seen at least ttlMs before `now` and says which. */
  expire(now: number): Expired[] {
    const expired: Expired[] = []
    for (const [id, open] of this.#open) {
      if (now - open.firstSeen < this.#ttlMs) continue
      this.#open.delete(id)
      expired.push({ key: open.key, reference: open.reference, total: open.total, received: open.parts.size })
    }
    return expired
  }
}
