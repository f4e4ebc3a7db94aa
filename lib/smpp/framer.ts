/**
 * Cuts a TCP byte stream into SMPP PDUs (section 3.2: every PDU starts with its 4-octet command_length).
 * Never throws: input a peer controls becomes a FrameError the connection answers.
 */
import { decode, HeaderLength, PduError } from './codec'
import type { Pdu } from './pdu'
import { Status, type StatusCode } from './status'

/**
 * A frame that could not be decoded. Returned, never thrown.
 * fatal: the stream cannot be framed any more (command_length < 16 or over the maximum); answer
 * generic_nack and close. Otherwise answer the command's _resp (generic_nack for an unknown
 * command_id) with `status` and keep the connection.
 */
export class FrameError {
  constructor(
    readonly status: StatusCode,
    readonly commandId: number,
    readonly sequence: number,
    readonly fatal: boolean,
    readonly message: string,
  ) {}
}

export interface FramerOptions {
  /** Largest command_length accepted, in octets. */
  maxLength?: number
}

export class Framer {
  readonly maxLength: number
  // The first octets of a PDU's header while fewer than 4 have arrived.
  private readonly lengthBytes = Buffer.alloc(4)
  private lengthFill = 0
  // The PDU being assembled across chunks, allocated once its command_length has been checked.
  private partial: Buffer | undefined
  private partialFill = 0
  private dead = false

  constructor(opts: FramerOptions = {}) {
    this.maxLength = opts.maxLength ?? 65536
  }

  /** Octets held for an incomplete PDU; never more than maxLength. */
  get buffered(): number {
    return this.partial !== undefined ? this.partialFill : this.lengthFill
  }

  /** True once a fatal error was returned; the framer yields nothing more. */
  get failed(): boolean {
    return this.dead
  }

  push(chunk: Buffer): Array<Pdu | FrameError> {
    const out: Array<Pdu | FrameError> = []
    if (this.dead) return out
    let off = 0
    const n = chunk.length
    while (off < n) {
      if (this.partial !== undefined) {
        const frame = this.partial
        const take = Math.min(frame.length - this.partialFill, n - off)
        chunk.copy(frame, this.partialFill, off, off + take)
        this.partialFill += take
        off += take
        if (this.partialFill === frame.length) {
          this.partial = undefined
          this.partialFill = 0
          out.push(decodeFrame(frame))
        }
        continue
      }
      let length: number
      if (this.lengthFill > 0 || n - off < 4) {
        const take = Math.min(4 - this.lengthFill, n - off)
        chunk.copy(this.lengthBytes, this.lengthFill, off, off + take)
        this.lengthFill += take
        off += take
        if (this.lengthFill < 4) break
        this.lengthFill = 0
        length = this.lengthBytes.readUInt32BE(0)
        if (!this.lengthOk(length, out, chunk, -1)) return out
        this.partial = Buffer.allocUnsafe(length)
        this.lengthBytes.copy(this.partial, 0)
        this.partialFill = 4
        continue
      }
      length = chunk.readUInt32BE(off)
      if (!this.lengthOk(length, out, chunk, off)) return out
      if (n - off >= length) {
        // The whole PDU is in this chunk: decode in place, no copy. Socket chunks are never reused by Node.
        out.push(decodeFrame(chunk.subarray(off, off + length)))
        off += length
      } else {
        this.partial = Buffer.allocUnsafe(length)
        chunk.copy(this.partial, 0, off, n)
        this.partialFill = n - off
        off = n
      }
    }
    return out
  }

  // command_length is checked before anything is allocated for it: a peer must not make us reserve 4 GB.
  private lengthOk(length: number, out: Array<Pdu | FrameError>, chunk: Buffer, at: number): boolean {
    if (length >= HeaderLength && length <= this.maxLength) return true
    this.dead = true
    this.partial = undefined
    // The rest of the header, when it arrived in the same chunk (at >= 0), tells the nack which sequence it answers.
    const headerHere = at >= 0 && chunk.length - at >= HeaderLength
    const commandId = headerHere ? chunk.readUInt32BE(at + 4) : 0
    const sequence = headerHere ? chunk.readUInt32BE(at + 12) : 0
    const why = length < HeaderLength ? 'shorter than the 16-octet header' : `over the maximum of ${this.maxLength}`
    out.push(new FrameError(Status.InvCmdLen, commandId, sequence, true, `command_length ${length} is ${why}`))
    return false
  }
}

function decodeFrame(frame: Buffer): Pdu | FrameError {
  try {
    return decode(frame)
  } catch (err) {
    if (err instanceof PduError) return new FrameError(err.status, err.commandId, err.sequence, false, err.message)
    return new FrameError(Status.SysErr, frame.readUInt32BE(4), frame.readUInt32BE(12), false, String(err))
  }
}
