/**
 * Low-level reading and writing of SMPP 3.4 wire types (section 3.1): 1/2/4-octet big-endian integers,
 * C-octet strings (NUL-terminated, latin1) and octet strings. Internal to lib/smpp.
 */
import { Status, type StatusCode } from './status'

/** A PDU that cannot be decoded (or encoded), with the command_status to answer it with. */
export class PduError extends Error {
  constructor(
    readonly status: StatusCode,
    message: string,
    readonly commandId = 0,
    readonly sequence = 0,
  ) {
    super(message)
    this.name = 'PduError'
  }
}

// Node's Buffer has these natively; they skip the encoding switch of toString()/write(), which matters
// for the many short C-strings of every PDU. @types/node does not declare them.
interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string
  latin1Write(s: string, offset: number): number
}

export class Reader {
  pos: number
  readonly end: number
  readonly buf: Latin1Buffer

  constructor(
    buf: Buffer,
    pos: number,
    readonly commandId: number,
    readonly sequence: number,
  ) {
    this.buf = buf as Latin1Buffer
    this.pos = pos
    this.end = buf.length
  }

  fail(status: StatusCode, message: string): PduError {
    return new PduError(status, message, this.commandId, this.sequence)
  }

  u8(field: string): number {
    if (this.pos >= this.end) throw this.fail(Status.InvMsgLen, `body ends before ${field}`)
    return this.buf[this.pos++]
  }

  u32(field: string): number {
    const p = this.pos
    if (p + 4 > this.end) throw this.fail(Status.InvMsgLen, `body ends before ${field}`)
    this.pos = p + 4
    return this.buf.readUInt32BE(p)
  }

  /** A C-octet string of at most `max` octets including its NUL (section 5.2 gives each field's max). */
  cstr(max: number, status: StatusCode, field: string): string {
    const start = this.pos
    const nul = this.buf.indexOf(0, start)
    if (nul < 0) throw this.fail(status, `${field} is not NUL-terminated`)
    if (nul - start >= max) throw this.fail(status, `${field} is longer than ${max - 1} octets`)
    this.pos = nul + 1
    return nul === start ? '' : this.buf.latin1Slice(start, nul)
  }

  /** An octet string preceded by a one-octet length (sm_length + short_message). The result shares memory with the frame. */
  octets8(field: string): Buffer {
    const len = this.u8(`${field} length`)
    const start = this.pos
    if (start + len > this.end) throw this.fail(Status.InvMsgLen, `${field} is longer than the body`)
    this.pos = start + len
    return this.buf.subarray(start, start + len)
  }
}

export class Writer {
  pos: number
  readonly buf: Latin1Buffer

  constructor(buf: Buffer, pos: number) {
    this.buf = buf as Latin1Buffer
    this.pos = pos
  }

  u8(v: number): void {
    this.buf[this.pos++] = v
  }

  u16(v: number): void {
    const b = this.buf
    const p = this.pos
    b[p] = v >>> 8
    b[p + 1] = v
    this.pos = p + 2
  }

  u32(v: number): void {
    const b = this.buf
    const p = this.pos
    b[p] = v >>> 24
    b[p + 1] = v >>> 16
    b[p + 2] = v >>> 8
    b[p + 3] = v
    this.pos = p + 4
  }

  /** Latin1: one octet per UTF-16 code unit, so the size is s.length + 1. */
  cstr(s: string): void {
    const n = s.length
    if (n > 0) this.buf.latin1Write(s, this.pos)
    this.pos += n
    this.buf[this.pos++] = 0
  }

  octets(b: Uint8Array): void {
    this.buf.set(b, this.pos)
    this.pos += b.length
  }
}

/** Size of a C-string field, rejecting values the peer would refuse (max includes the NUL). */
export const cstrSize = (s: string, max: number, status: StatusCode, field: string): number => {
  if (s.length >= max) throw new PduError(status, `${field} is longer than ${max - 1} octets`)
  return s.length + 1
}
