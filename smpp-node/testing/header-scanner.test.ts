import { describe, expect, it } from 'vitest'
import { encode } from '../../lib/smpp/codec'
import { CommandId } from '../../lib/smpp/pdu'
import { HeaderScanner } from './header-scanner'

const resp = (sequence: number, messageId: string) =>
  encode({ commandId: CommandId.SubmitSmResp, status: 0, sequence, body: { messageId } })
const stream = Buffer.concat([
  resp(7, 'A1'),
  encode({ commandId: CommandId.EnquireLink, status: 0, sequence: 8, body: {} }),
  encode({ commandId: CommandId.SubmitSmResp, status: 0x58, sequence: 9, body: {} }),
])

const scan = (chunks: Buffer[]) => {
  const scanner = new HeaderScanner()
  const seen: Array<[number, number, number, string]> = []
  for (const c of chunks) {
    scanner.push(c, (commandId, status, sequence, buf, start, length) =>
      seen.push([commandId, status, sequence, buf.subarray(start, start + length).toString('hex')]),
    )
  }
  return seen
}

describe('HeaderScanner', () => {
  const whole = scan([stream])

  it('yields each PDU with its header fields and its octets', () => {
    expect(whole).toEqual([
      [CommandId.SubmitSmResp, 0, 7, resp(7, 'A1').toString('hex')],
      [CommandId.EnquireLink, 0, 8, '00000010000000150000000000000008'],
      [CommandId.SubmitSmResp, 0x58, 9, '00000010800000040000005800000009'],
    ])
  })

  it.each([1, 3, 4, 15, 16, 19, 20, 35])('yields the same when the bytes arrive split at %i', (at) => {
    expect(scan([stream.subarray(0, at), stream.subarray(at)])).toEqual(whole)
  })

  it('yields the same when the bytes arrive one at a time', () => {
    expect(scan([...stream].map((b) => Buffer.from([b])))).toEqual(whole)
  })

  it('stops at a command_length under 16', () => {
    const scanner = new HeaderScanner()
    expect(scanner.push(Buffer.from('0000000f800000040000000000000001', 'hex'), () => {})).toBe(false)
  })
})
