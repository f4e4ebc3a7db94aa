import { Status } from '../smpp/status'
import { SmppError } from './errors'

/**
 * The time fields of submit_sm (SMPP 3.4 section 7.1.1): `YYMMDDhhmmsstnnp`, 16 characters, or empty.
 * - absolute: p is '+' or '-', nn the offset from UTC in quarter hours (00-48), t tenths of a second;
 * - relative: p is 'R' and the digits are years, months, days, hours, minutes, seconds to add to the
 *   time the SMSC received the message (t and nn are 0).
 * Years are 20YY: the field has no century, and no message is scheduled into the last one.
 */
const Format = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([-+R])$/

/** The instant a time field names, or undefined for an empty field; `bad` is the status a malformed one gets. */
export function parseSmppTime(field: string, receivedAt: Date, bad: number): Date | undefined {
  if (field === '') return undefined
  const m = Format.exec(field)
  if (!m) throw new SmppError(bad, `time field '${field}' is not YYMMDDhhmmsstnnp (SMPP 3.4 section 7.1.1)`)
  const [yy, mo, dd, hh, mi, ss, t, nn] = m.slice(1, 9).map(Number)
  const p = m[9]
  if (p === 'R') {
    const d = new Date(receivedAt.getTime())
    // Calendar arithmetic in UTC: "1 month" from 31 January is what Date makes of 31 February (3 March).
    d.setUTCFullYear(d.getUTCFullYear() + yy, d.getUTCMonth() + mo, d.getUTCDate() + dd)
    return new Date(d.getTime() + ((hh * 60 + mi) * 60 + ss) * 1000)
  }
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59 || nn > 48)
    throw new SmppError(bad, `time field '${field}' is out of range (SMPP 3.4 section 7.1.1)`)
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, t * 100)
  const probe = new Date(local)
  if (probe.getUTCDate() !== dd) throw new SmppError(bad, `time field '${field}' names a day that does not exist`)
  // '+': local time is ahead of UTC, so UTC is local minus the offset.
  const offsetMs = nn * 15 * 60_000 * (p === '+' ? 1 : -1)
  return new Date(local - offsetMs)
}

export const parseSchedule = (field: string, receivedAt: Date) => parseSmppTime(field, receivedAt, Status.InvSched)
export const parseValidity = (field: string, receivedAt: Date) => parseSmppTime(field, receivedAt, Status.InvExpiry)

const two = (n: number) => String(n).padStart(2, '0')

/** A relative time field (p = 'R') for a wait of `sec` seconds under 100 days: what test clients send. */
export function relativeSmppTime(sec: number): string {
  const d = Math.floor(sec / 86_400)
  const h = Math.floor((sec % 86_400) / 3600)
  const m = Math.floor((sec % 3600) / 60)
  return `0000${two(d)}${two(h)}${two(m)}${two(sec % 60)}000R`
}
