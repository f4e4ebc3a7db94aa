/** The common callback message: a verdict with no submit_multi refusals (the shape parse.ts's schema declares). */
export interface PlainVerdict {
  type: 'verdict'
  messageId: string
  status: number
}

/**
 * The callback queue's usual body, `{"type":"verdict","messageId":"…","status":0}`, checked by hand: one per
 * submit_sm, and zod's discriminated union cost the node more than the rest of the verdict path (issue 16,
 * the node's profile). Returns the value only when it is exactly that shape, with nothing to strip, so it is
 * what CallbackMessageSchema.parse would return (plain-verdict.test.ts checks that); anything else,
 * undefined, and the caller runs the schema.
 */
export function plainVerdict(v: unknown): PlainVerdict | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const o = v as Record<string, unknown>
  if (o.type !== 'verdict' || typeof o.messageId !== 'string' || o.messageId.length === 0) return undefined
  if (!Number.isSafeInteger(o.status)) return undefined
  let keys = 0
  for (const k in o) if (Object.hasOwn(o, k)) keys++
  return keys === 3 && Object.getPrototypeOf(o) === Object.prototype ? (o as unknown as PlainVerdict) : undefined
}
