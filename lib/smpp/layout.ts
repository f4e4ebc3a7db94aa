/**
 * How a PDU body is laid out (SMPP 3.4 chapter 4), and field descriptors for the layouts off the hot path:
 * one list of fields gives decode, size and write at once, so a field is written down once, not three times.
 * submit_sm/deliver_sm, their responses and submit_multi stay hand-written in bodies.ts: the node decodes
 * and encodes them per message, and an object literal built in one expression keeps one hidden class.
 */
import type { StatusCode } from './status'
import { Status } from './status'
import { cstrSize, PduError, type Reader, type Writer } from './wire'

/** Maximum sizes of C-octet strings, NUL included (section 5.2). */
export const Max = {
  SystemId: 16, // system_id
  Password: 9, // password
  SystemType: 13, // system_type
  AddressRange: 41, // address_range
  ServiceType: 6, // service_type
  Addr: 21, // source_addr / destination_addr of submit_sm, deliver_sm, query_sm, cancel_sm, replace_sm, submit_multi
  LongAddr: 65, // source_addr / destination_addr of data_sm, source_addr / esme_addr of alert_notification
  Time: 17, // schedule_delivery_time, validity_period, final_date
  MessageId: 65, // message_id
  DlName: 21, // dl_name
} as const

export interface Layout<B extends object = object> {
  name: string // the spec's command name, e.g. 'submit_sm'
  decode(r: Reader): B
  size(b: B): number
  write(w: Writer, b: B): void
  /** false for PDUs without a body: trailing octets are ignored there, so a sloppy enquire_link still gets its answer. */
  tlvs: boolean
  /** A mandatory field that shares its name with a TLV (query_sm_resp's message_state). */
  shadowed?: string
  /**
   * For responses whose body SMPP 3.4 omits when command_status is non-zero: the field whose absence
   * means "no body". A header-only response decodes to body {}, and body {} encodes header-only.
   */
  presence?: string
}

export const smLength = (sm: Buffer, field = 'short_message'): number => {
  if (sm.length > 255) throw new PduError(Status.InvMsgLen, `${field} is longer than 255 octets (sm_length is one octet)`)
  return sm.length + 1
}

/** One mandatory parameter: its key in the body, its spec name (for errors), and its wire type (section 3.1). */
export type Field<K extends string = string> =
  | { type: 'u8'; key: K; name: string }
  | { type: 'cstr'; key: K; name: string; max: number; status: StatusCode }
  /** sm_length then short_message: an octet string of at most 255 octets. */
  | { type: 'sm'; key: K; name: string }

export const u8 = <K extends string>(key: K, name: string): Field<K> => ({ type: 'u8', key, name })
export const cstr = <K extends string>(key: K, name: string, max: number, status: StatusCode): Field<K> => ({
  type: 'cstr',
  key,
  name,
  max,
  status,
})
export const sm = <K extends string>(key: K, name: string): Field<K> => ({ type: 'sm', key, name })

/** A layout from its fields, in wire order; each key a field of the body type (the codec property tests round-trip every layout). */
export function fieldLayout<B extends object>(
  name: string,
  fields: readonly Field<Extract<keyof B, string>>[],
  extra: Pick<Layout, 'presence' | 'shadowed'> = {},
): Layout<B> {
  return {
    name,
    tlvs: true,
    ...extra,
    decode: (r) => {
      const b: Record<string, unknown> = {}
      for (const f of fields)
        b[f.key] = f.type === 'u8' ? r.u8(f.name) : f.type === 'cstr' ? r.cstr(f.max, f.status, f.name) : r.octets8(f.name)
      return b as B
    },
    size: (b) => {
      const body = b as Record<string, unknown>
      let size = 0
      for (const f of fields) {
        if (f.type === 'u8') size += 1
        else if (f.type === 'cstr') size += cstrSize(body[f.key] as string, f.max, f.status, f.name)
        else size += smLength(body[f.key] as Buffer, f.name)
      }
      return size
    },
    write: (w, b) => {
      const body = b as Record<string, unknown>
      for (const f of fields) {
        const v = body[f.key]
        if (f.type === 'u8') w.u8(v as number)
        else if (f.type === 'cstr') w.cstr(v as string)
        else {
          w.u8((v as Buffer).length)
          w.octets(v as Buffer)
        }
      }
    },
  }
}
