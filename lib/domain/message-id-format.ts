import { createHash } from 'node:crypto'

/**
 * The message_id an account sees (issue 17): the same string in submit_sm_resp, in the receipt's `id:` (SMPP 3.4
 * Appendix B) and in receipted_message_id (5.3.2.12), and what query_sm / cancel_sm accept.
 *
 * - opaque (the default): the node's 24-character id (smpp-node/node/message-id.ts).
 * - hex: 29 lower-case hex digits, built like the opaque id (time, sequence, node tag, 40 random bits).
 * - decimal: 10 digits (Appendix B's `id:IIIIIIIIII`), 1000000000 to 9999999999.
 *
 * The mapping is the message key itself, never an alias item (no write per message): for opaque and hex the record
 * id is the client's id. A decimal id is unique only per account, so its record id appends the account:
 * `<10 digits>.<hex of the system_id>` (hex, because a system_id may hold `#`, the submit_multi record separator).
 * The client's id is the record id up to the dot, and query_sm rebuilds the record id from the session's account.
 */
export type MessageIdFormat = 'opaque' | 'decimal' | 'hex'
export const MessageIdFormats = ['opaque', 'decimal', 'hex'] as const

const DecimalBase = 1_000_000_000
/** 10-digit numbers without a leading zero: a client that stores the id as a number prints it back the same. */
export const DecimalIdSpace = 9_000_000_000

const hexOf = (s: string) => Buffer.from(s, 'latin1').toString('hex')
const DecimalRecord = /^(\d{10})\.[0-9a-f]+/

/** The record id (the key of the message and of its guards) of an account's decimal id. */
export const decimalRecordId = (decimal: string, accountId: string): string => `${decimal}.${hexOf(accountId)}`

/**
 * The id the client was given for a record id (a submit_multi record keeps its `#n`). Only a decimal record has its
 * dot at index 10: every other id (opaque, hex: every submit_sm_resp of most accounts) is returned without the regex.
 */
export const clientIdOf = (recordId: string): string =>
  recordId.charCodeAt(10) === 0x2e ? recordId.replace(DecimalRecord, '$1') : recordId

/** The record id a client's id names, for the account's format; a malformed id maps to one no record has. */
export function recordIdOf(clientId: string, account: { accountId: string; messageIdFormat?: MessageIdFormat }): string {
  if (account.messageIdFormat === 'decimal')
    return /^\d{1,10}$/.test(clientId) ? decimalRecordId(clientId.padStart(10, '0'), account.accountId) : '?'
  return account.messageIdFormat === 'hex' ? clientId.toLowerCase() : clientId
}

// A keyed Feistel permutation on 34 bits (17 + 17), walked until it lands inside the space: a bijection of
// [0, DecimalIdSpace), so distinct positions give distinct ids, and without the salt the neighbours of an id are not
// named by it (the positions themselves are a plain counter). The round function is the murmur3 finaliser under round
// keys drawn from sha256(salt): cheap enough for every submit, and 34 bits could not hide more than that anyway.
const Half = 17
const Mask = (1 << Half) - 1
const Rounds = 6

const mix = (x: number): number => {
  let h = x >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

const roundKeys = new Map<string, number[]>()
function keysOf(salt: string): number[] {
  let keys = roundKeys.get(salt)
  if (!keys) {
    const d = createHash('sha256').update(salt).digest()
    keys = Array.from({ length: Rounds }, (_, r) => d.readUInt32BE(r * 4))
    if (roundKeys.size > 10_000) roundKeys.clear() // one per account with decimal ids; bounded all the same
    roundKeys.set(salt, keys)
  }
  return keys
}

function feistel(n: number, keys: number[]): number {
  let left = Math.floor(n / 2 ** Half)
  let right = n % 2 ** Half
  for (const k of keys) [left, right] = [right, left ^ (mix(right ^ k) & Mask)]
  return left * 2 ** Half + right
}

/** The decimal id at `position` (0, 1, 2, ... from the account's shared sequence) under the sequence's salt. */
export function decimalIdAt(position: number, salt: string): string {
  const keys = keysOf(salt)
  let n = position % DecimalIdSpace
  do n = feistel(n, keys)
  while (n >= DecimalIdSpace)
  return String(DecimalBase + n)
}
