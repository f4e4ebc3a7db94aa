/** The common callback message: a verdict with no submit_multi refusals (the shape parse.ts's schema declares). */
export interface PlainVerdict {
  type: 'verdict'
  messageId: string
  status: number
}

/** The common bundle (issue 16): the verdicts of one submit invocation, none with submit_multi refusals. */
export interface PlainBundle {
  type: 'verdicts'
  verdicts: { messageId: string; status: number }[]
}

/**
 * The callback queue's usual bodies, `{"type":"verdict","messageId":"…","status":0}` and
 * `{"type":"verdicts","verdicts":[{"messageId":"…","status":0},…]}`, checked by hand: zod's discriminated
 * union cost the node more than the rest of the verdict path (issue 16, the node's profile). Each returns the
 * value only when it is exactly that shape, with nothing to strip, so it is what CallbackMessageSchema.parse
 * would return (plain-verdict.test.ts checks that); anything else, undefined, and the caller runs the schema.
 */
export function plainVerdict(v: unknown): PlainVerdict | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const o = v as Record<string, unknown>
  if (o.type !== 'verdict' || !plainFields(o, 3)) return undefined
  return o as unknown as PlainVerdict
}

export function plainBundle(v: unknown): PlainBundle | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const o = v as Record<string, unknown>
  if (o.type !== 'verdicts' || !Array.isArray(o.verdicts) || o.verdicts.length === 0 || !exactKeys(o, 2)) return undefined
  for (const e of o.verdicts as unknown[])
    if (typeof e !== 'object' || e === null || !plainFields(e as Record<string, unknown>, 2)) return undefined
  return o as unknown as PlainBundle
}

/** A non-empty string messageId and an integer status, and `keys` own keys in all (type, when counted, checked by the caller). */
function plainFields(o: Record<string, unknown>, keys: number): boolean {
  if (typeof o.messageId !== 'string' || o.messageId.length === 0 || !Number.isSafeInteger(o.status)) return false
  return exactKeys(o, keys)
}

function exactKeys(o: Record<string, unknown>, keys: number): boolean {
  let n = 0
  for (const k in o) if (Object.hasOwn(o, k)) n++
  return n === keys && Object.getPrototypeOf(o) === Object.prototype
}
