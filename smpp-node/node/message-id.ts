/**
 * Message ids the node assigns (submit_sm_resp message_id, the receipt's `id:` field, the key of every
 * exactly-once guard downstream). 16 characters of upper-case base 36, fixed width so that string order is
 * time order:
 *
 *   TTTTTTTTT  9 chars: milliseconds since the epoch (36^9 ms lasts until the year 5138)
 *   SSS        3 chars: sequence within the millisecond (46,656 ids per ms; past that the id borrows the next ms)
 *   NNNN       4 chars: FNV-1a hash of the node id and a per-process nonce (1.68 million values)
 *
 * Unique within a process because the (ms, sequence) pair never repeats, even when the wall clock steps
 * back (the generator keeps its own monotonic time). Across processes the node tag separates them: two
 * processes collide only if their tags match and they issue the same (ms, sequence), and the per-process
 * nonce keeps a restarted node with the same id from reusing its predecessor's tag. 16 characters fit
 * message_id (65 octets) and every receipt parser we know reads `id:` up to the next space.
 */
export const MessageIdLength = 16

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

export function messageIdGenerator(nodeId: string, nonce: string, now: () => number): () => string {
  const tag = base36(fnv1a(`${nodeId}#${nonce}`) % 36 ** 4, 4)
  let lastMs = -1
  let seq = 0
  return () => {
    const t = now()
    if (t > lastMs) {
      lastMs = t
      seq = 0
    } else if (++seq >= SeqSpace) {
      lastMs++
      seq = 0
    }
    return base36(lastMs, 9) + base36(seq, 3) + tag
  }
}
