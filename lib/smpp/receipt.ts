// Delivery receipt text (SMPP 3.4 Appendix B) and message_state (SMPP 3.4 5.2.28).

// message_state values (SMPP 3.4 5.2.28), used by the message_state TLV and query_sm_resp.
export const MessageState = {
  Enroute: 1, // ENROUTE
  Delivered: 2, // DELIVERED
  Expired: 3, // EXPIRED
  Deleted: 4, // DELETED
  Undeliverable: 5, // UNDELIVERABLE
  Accepted: 6, // ACCEPTED
  Unknown: 7, // UNKNOWN
  Rejected: 8, // REJECTED
} as const
export type MessageState = (typeof MessageState)[keyof typeof MessageState]

// The stat field of the receipt text (SMPP 3.4 Appendix B, "Message States"): 7-letter forms of the states above.
export const ReceiptStat = {
  Enroute: 'ENROUTE',
  Delivered: 'DELIVRD',
  Expired: 'EXPIRED',
  Deleted: 'DELETED',
  Undeliverable: 'UNDELIV',
  Accepted: 'ACCEPTD',
  Unknown: 'UNKNOWN',
  Rejected: 'REJECTD',
} as const
export type ReceiptStat = (typeof ReceiptStat)[keyof typeof ReceiptStat]

const statByState = new Map<number, ReceiptStat>(
  Object.entries(MessageState).map(([name, state]) => [state, ReceiptStat[name as keyof typeof ReceiptStat]]),
)
const stateByStat = new Map<string, MessageState>(
  Object.entries(ReceiptStat).map(([name, stat]) => [stat, MessageState[name as keyof typeof MessageState]]),
)
// Spellings seen from real SMSCs, mapped to the Appendix B form.
const statAliases: Record<string, ReceiptStat> = {
  DELIVERED: 'DELIVRD',
  DELIVER: 'DELIVRD',
  UNDELIVERABLE: 'UNDELIV',
  UNDELIVERED: 'UNDELIV',
  FAILED: 'UNDELIV',
  ACCEPTED: 'ACCEPTD',
  REJECTED: 'REJECTD',
  EXPIRD: 'EXPIRED',
  DELETD: 'DELETED',
}

/** The receipt stat for a message_state; states outside 5.2.28 read as UNKNOWN. */
export const statOf = (state: number): ReceiptStat => statByState.get(state) ?? ReceiptStat.Unknown

/** The message_state for a receipt stat (any case, common long spellings too); anything else is Unknown. */
export const stateOf = (stat: string): MessageState => stateByStat.get(normalizeStat(stat)) ?? MessageState.Unknown

const normalizeStat = (stat: string): ReceiptStat => {
  const s = stat.trim().toUpperCase()
  return statAliases[s] ?? (stateByStat.has(s) ? (s as ReceiptStat) : ReceiptStat.Unknown)
}

export interface ReceiptFields {
  id: string
  sub: number
  dlvrd: number
  submitDate: Date
  doneDate: Date
  stat: ReceiptStat
  /** Network or platform error code, written as at least 3 digits. */
  err: number | string
  text: string
}

export interface Receipt {
  id: string
  sub?: number
  dlvrd?: number
  submitDate?: Date
  doneDate?: Date
  stat: ReceiptStat
  err?: string
  text?: string
}

const pad = (v: number | string, n: number) => String(v).padStart(n, '0')
const yymmddhhmm = (d: Date) =>
  pad(d.getUTCFullYear() % 100, 2) +
  pad(d.getUTCMonth() + 1, 2) +
  pad(d.getUTCDate(), 2) +
  pad(d.getUTCHours(), 2) +
  pad(d.getUTCMinutes(), 2)

/**
 * The receipt text exactly as Appendix B lays it out; dates in UTC. `text` is cut to its first 20 chars (code points,
 * so a surrogate pair is never halved). The id is written whole: Appendix B shows 10 chars, but ours are longer and
 * receivers match it against the submit_sm_resp message_id.
 */
export function formatReceipt(r: ReceiptFields): string {
  return (
    `id:${r.id} sub:${pad(r.sub, 3)} dlvrd:${pad(r.dlvrd, 3)} submit date:${yymmddhhmm(r.submitDate)} ` +
    `done date:${yymmddhhmm(r.doneDate)} stat:${r.stat} err:${pad(r.err, 3)} text:${Array.from(r.text).slice(0, 20).join('')}`
  )
}

// A field is `name:value` after the start or whitespace; names in any case, with "submit date", "submit_date" and
// "submitdate" all accepted, and spaces allowed around the colon.
const field = (name: string, value: string) => new RegExp(`(?:^|\\s)${name}\\s*:\\s*(${value})`, 'i')
const fields = {
  id: field('id', '[^\\s]+'),
  sub: field('sub', '\\d+'),
  dlvrd: field('dlvrd', '\\d+'),
  submitDate: field('submit[\\s_-]*date', '\\d{10,14}'),
  doneDate: field('done[\\s_-]*date', '\\d{10,14}'),
  stat: field('stat', '[A-Za-z_]+'),
  err: field('err', '[0-9A-Fa-fx]+'),
}
const textField = /(?:^|\s)text\s*:/i

/** YYMMDDhhmm, YYMMDDhhmmss (common) or YYYYMMDDhhmmss, read as UTC; undefined if not a real date. */
function parseDate(digits: string | undefined): Date | undefined {
  if (!digits || ![10, 12, 14].includes(digits.length)) return undefined
  const long = digits.length === 14
  const year = long ? Number(digits.slice(0, 4)) : 2000 + Number(digits.slice(0, 2))
  const [mo, d, h, mi, s] = (long ? digits.slice(4) : digits.slice(2)).match(/\d\d/g)!.map(Number)
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, s ?? 0))
  const valid = date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && date.getUTCHours() === h && date.getUTCMinutes() === mi
  return valid && (s ?? 0) < 60 ? date : undefined
}

/**
 * Reads receipt text from any SMSC: fields in any case and order, missing fields, extra spaces, `submit_date`,
 * 12-digit dates, ids of any length (hex, decimal, UUID; kept as written). Everything after `text:` is the text, so a
 * "stat:" inside the message text is not mistaken for the field. Null unless both id and stat are present.
 */
export function parseReceipt(input: string): Receipt | null {
  const textAt = input.search(textField)
  const head = textAt < 0 ? input : input.slice(0, textAt)
  const text = textAt < 0 ? undefined : input.slice(textAt).replace(textField, '')
  const get = (re: RegExp) => re.exec(head)?.[1]
  const id = get(fields.id)
  const stat = get(fields.stat)
  if (!id || !stat) return null
  const num = (s: string | undefined) => (s === undefined ? undefined : Number.parseInt(s, 10))
  return {
    id,
    sub: num(get(fields.sub)),
    dlvrd: num(get(fields.dlvrd)),
    submitDate: parseDate(get(fields.submitDate)),
    doneDate: parseDate(get(fields.doneDate)),
    stat: normalizeStat(stat),
    err: get(fields.err),
    text,
  }
}
