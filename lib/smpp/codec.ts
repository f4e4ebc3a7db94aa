/**
 * encode/decode of whole SMPP 3.4 PDUs: the 16-octet header (section 3.2), the mandatory body
 * (chapter 4, see bodies.ts) and the optional TLVs (section 5.3, see tlv.ts).
 */
import { layouts } from './bodies'
import type { Pdu } from './pdu'
import { Status } from './status'
import { collectTlvs, readTlvs, type TlvDef, writeTlvs } from './tlv'
import { PduError, Reader, Writer } from './wire'

export { PduError } from './wire'

export const HeaderLength = 16

const hex32 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0')

/** Responses have bit 31 of command_id set (section 5.1.2.1). */
export const isResponse = (commandId: number): boolean => (commandId & 0x80000000) !== 0

/** The command_id of the response to a request: generic_nack answers anything this codec does not know. */
export const responseIdOf = (commandId: number): number => (commandId | 0x80000000) >>> 0

/** True when this codec can decode and encode the command. */
export const isKnownCommand = (commandId: number): boolean => layouts.has(commandId)

/** The spec name ('submit_sm'), or the hex command_id for an unknown one. */
export const commandName = (commandId: number): string => layouts.get(commandId)?.name ?? hex32(commandId)

// Reused by every encode: which TLVs the body carries, found while sizing, written after allocating.
const tlvScratch: TlvDef[] = []

/** Encodes one PDU. Throws PduError for a value the wire cannot carry (a field over its spec maximum, an unknown command). */
export function encode(pdu: Pdu): Buffer {
  const layout = layouts.get(pdu.commandId)
  if (layout === undefined)
    throw new PduError(Status.InvCmdId, `cannot encode unknown command_id ${hex32(pdu.commandId)}`, pdu.commandId, pdu.sequence)
  const body = pdu.body as Record<string, unknown>
  let length = HeaderLength
  let withBody = layout.tlvs
  if (layout.presence !== undefined && body[layout.presence] === undefined) withBody = false
  if (withBody) length += layout.size(body) + collectTlvs(body, tlvScratch, layout.shadowed)
  const w = new Writer(Buffer.allocUnsafe(length), 0)
  w.u32(length)
  w.u32(pdu.commandId)
  w.u32(pdu.status)
  w.u32(pdu.sequence)
  if (withBody) {
    layout.write(w, body)
    writeTlvs(w, body, tlvScratch)
  }
  return w.buf
}

/**
 * Decodes one whole PDU (header included). Throws PduError carrying the command_status to answer with,
 * and the header's command_id and sequence_number so the caller can address the answer.
 * Octet-string fields (short_message, message_payload, ...) share memory with `frame`.
 */
export function decode(frame: Buffer): Pdu {
  if (frame.length < HeaderLength) throw new PduError(Status.InvCmdLen, `PDU of ${frame.length} octets is shorter than its header`)
  const length = frame.readUInt32BE(0)
  const commandId = frame.readUInt32BE(4)
  const status = frame.readUInt32BE(8)
  const sequence = frame.readUInt32BE(12)
  if (length !== frame.length)
    throw new PduError(Status.InvCmdLen, `command_length ${length} does not match the ${frame.length} octets framed`, commandId, sequence)
  const layout = layouts.get(commandId)
  if (layout === undefined) throw new PduError(Status.InvCmdId, `unknown command_id ${hex32(commandId)}`, commandId, sequence)
  // A body-less PDU (enquire_link, ...) ignores any trailing octets; a response may omit its body on error (e.g. 4.4.2).
  if (!layout.tlvs || (length === HeaderLength && layout.presence !== undefined)) return { commandId, status, sequence, body: {} }
  const r = new Reader(frame, HeaderLength, commandId, sequence)
  try {
    const body = layout.decode(r) as Record<string, unknown>
    if (r.pos < r.end) readTlvs(r, body, layout.shadowed)
    return { commandId, status, sequence, body }
  } catch (err) {
    if (err instanceof PduError) throw err
    // Defensive: a bug here must still produce an answer for the peer, not crash the connection.
    throw new PduError(Status.SysErr, `cannot decode ${layout.name}: ${String(err)}`, commandId, sequence)
  }
}
