// Types for the npm package `smpp` (0.5.1), used only by the differential tests and the benchmark.
declare module 'smpp' {
  export class PDU {
    constructor(command: string | Buffer, options?: Record<string, unknown>)
    command: string
    command_id: number
    command_status: number
    sequence_number: number
    toBuffer(): Buffer
    static fromBuffer(buffer: Buffer): PDU | false
    [field: string]: unknown
  }
  const smpp: { PDU: typeof PDU }
  export default smpp
}

declare module 'smpp/lib/defs.js' {
  export const tlvsById: Record<number, { tag: string }>
  export const commandsById: Record<number, { command: string }>
}
