import type { VerdictBundle } from './jobs'
import type { Verdict } from './verdict'

/** The most SQS takes in one message (and in one SendMessageBatch; the adapter splits a batch by both). */
export const MaxMessageBytes = 256 * 1024

const Envelope = '{"type":"verdicts","verdicts":[]}'.length

/**
 * Issue 16: the verdicts of one invocation for one reply queue as few callback messages as SQS allows, so the
 * node parses, deletes and pays one SQS entry per bundle instead of per submit (docs/PIPELINE.md "Verdict
 * messages"). A bundle is split only where the next verdict would take it past `maxBytes`. A bundle of one
 * goes as the single verdict it always was, which every node reads, including one that predates bundles.
 */
export function bundleVerdicts(verdicts: readonly Verdict[], maxBytes = MaxMessageBytes): (Verdict | VerdictBundle)[] {
  const groups: Omit<Verdict, 'type'>[][] = []
  let group: Omit<Verdict, 'type'>[] = []
  let bytes = Envelope
  for (const { type: _, ...entry } of verdicts) {
    const size = byteLength(JSON.stringify(entry)) + 1 // its comma
    if (group.length > 0 && bytes + size > maxBytes) {
      groups.push(group)
      group = []
      bytes = Envelope
    }
    group.push(entry)
    bytes += size
  }
  if (group.length > 0) groups.push(group)
  return groups.map((g) => (g.length === 1 ? { type: 'verdict', ...g[0] } : { type: 'verdicts', verdicts: g }))
}

/** UTF-8 bytes of a string: SQS counts bytes, and an address or id may hold non-ASCII. */
const utf8 = new TextEncoder()
const byteLength = (s: string): number => utf8.encode(s).length
