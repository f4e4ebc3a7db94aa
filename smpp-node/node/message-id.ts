import { randomBytes } from 'node:crypto'

/**
 * Message ids the node assigns (submit_sm_resp message_id, the receipt's `id:` field, the key of every
 * exactly-once guard downstream). 24 characters of upper-case base 36, fixed width so that string order is
 * time order:
 *
 *   TTTTTTTTT  9 chars: milliseconds since the epoch (36^9 ms lasts until the year 5138)
 *   SSS        3 chars: sequence within the millisecond (46,656 ids per ms; past that the id borrows the next ms)
 *   NNNN       4 chars: FNV-1a hash of the node id and a per-process nonce (1.68 million values)
 *   RRRRRRRR   8 chars: 40 random bits from the OS CSPRNG (issue 13, item 4: ids must not be guessable;
 *              time, sequence and tag alone let anyone who saw one id name its neighbours)
 *
 * Unique within a process because the (ms, sequence) pair never repeats, even when the wall clock steps
 * back (the generator keeps its own monotonic time). Across processes the node tag separates them: two
 * processes collide only if their tags match and they issue the same (ms, sequence), and the per-process
 * nonce keeps a restarted node with the same id from reusing its predecessor's tag. 24 characters (26 with
 * submit_multi's `#n`) fit message_id (a C-Octet String of at most 65 octets, SMPP 3.4 section 5.2.23, and
 * the 64 characters ESMEs such as Kannel store), and every receipt parser we know reads `id:` up to the next space.
 */
export const MessageIdLength = 24

/** 40-bit random numbers, drawn from the CSPRNG a block at a time (one syscall per 800 ids, not per id). */
export function randomSource(block = 4_000): () => number {
  let buf = Buffer.alloc(0)
  let at = 0
  return () => {
    if (at + 5 > buf.length) {
      buf = randomBytes(block)
      at = 0
    }
    const n = buf.readUIntBE(at, 5)
    at += 5
    return n
  }
}

const SeqSpace = 36 ** 3

const fnv1a = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

const base36 = (n: number, width: number): string => n.toString(36).toUpperCase().padStart(width, '0')

// '0'-'9', 'A'-'Z' by digit value; a fixed-width id part is written as char codes in one String.fromCharCode.
const Digit = Uint16Array.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (c) => c.charCodeAt(0))
const digit = (n: number, place: number): number => Digit[Math.floor(n / place) % 36]

/** base36(n, 8) without toString, toUpperCase and padStart (three strings per id part, on the hot path). */
const base36x8 = (n: number): string =>
  String.fromCharCode(
    digit(n, 36 ** 7),
    digit(n, 36 ** 6),
    digit(n, 36 ** 5),
    digit(n, 36 ** 4),
    digit(n, 36 ** 3),
    digit(n, 36 ** 2),
    digit(n, 36),
    Digit[n % 36],
  )
const base36x3 = (n: number): string => String.fromCharCode(digit(n, 36 ** 2), digit(n, 36), Digit[n % 36])

export function messageIdGenerator(nodeId: string, nonce: string, now: () => number, random: () => number = randomSource()): () => string {
  const tag = base36(fnv1a(`${nodeId}#${nonce}`) % 36 ** 4, 4)
  let lastMs = -1
  let seq = 0
  // Time and tag change at most once a millisecond: written once per millisecond, not per id.
  let head = ''
  return () => {
    const t = now()
    if (t > lastMs) {
      lastMs = t
      seq = 0
      head = base36(lastMs, 9)
    } else if (++seq >= SeqSpace) {
      lastMs++
      seq = 0
      head = base36(lastMs, 9)
    }
    return head + base36x3(seq) + tag + base36x8(random())
  }
}
