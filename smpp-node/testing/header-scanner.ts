/** What the scanner hands on for each whole PDU: its header fields and where its octets are in `buf`. */
export type OnHeader = (commandId: number, status: number, sequence: number, buf: Buffer, start: number, length: number) => void

const HeaderLength = 16

/**
 * Cuts a byte stream into SMPP PDUs by their 16-octet header alone (SMPP 3.4 section 3.2: command_length,
 * command_id, command_status, sequence_number), without decoding a body or allocating per PDU: the bench's load
 * generator, which shares the 2 cores with the server it measures, reads only these fields of a submit_sm_resp.
 * It is the same for every server measured. Not for the node: a peer's input goes through lib/smpp/framer.ts.
 */
export class HeaderScanner {
  private rest: Buffer | undefined

  /** Calls `onPdu` for each whole PDU in the stream so far; false once a command_length under 16 makes it unframeable. */
  push(chunk: Buffer, onPdu: OnHeader): boolean {
    let buf = chunk
    if (this.rest !== undefined) {
      buf = Buffer.concat([this.rest, chunk])
      this.rest = undefined
    }
    let off = 0
    while (buf.length - off >= 4) {
      const length = buf.readUInt32BE(off)
      if (length < HeaderLength) return false
      if (buf.length - off < length) break
      onPdu(buf.readUInt32BE(off + 4), buf.readUInt32BE(off + 8), buf.readUInt32BE(off + 12), buf, off, length)
      off += length
    }
    // A copy: the chunk's memory may be reused by the stream once this returns.
    if (off < buf.length) this.rest = Buffer.from(buf.subarray(off))
    return true
  }
}
