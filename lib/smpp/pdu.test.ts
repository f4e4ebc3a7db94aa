import { describe, expect, it } from 'vitest'
import { decode, encode } from './codec'
import { bodyOf, CommandId, isPdu } from './pdu'

// A query_sm off the wire, narrowed by its command_id: the union member gives the body its type (issue 16).
const querySm = decode(
  encode({
    commandId: CommandId.QuerySm,
    status: 0,
    sequence: 3,
    body: { messageId: 'abc', sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '447700900000' },
  }),
)

describe('Pdu narrowed by command_id', () => {
  it('matches only the command_ids it was decoded with', () => {
    expect(isPdu(querySm, CommandId.QuerySm)).toBe(true)
    expect(isPdu(querySm, CommandId.CancelSm, CommandId.SubmitSm)).toBe(false)
  })

  it('hands out the typed body of a routed PDU, and refuses one routed to the wrong handler', () => {
    const body: { messageId: string } = bodyOf(querySm, CommandId.QuerySm)
    expect(body.messageId).toBe('abc')
    expect(() => bodyOf(querySm, CommandId.CancelSm)).toThrow('routed to a handler of 8')
  })
})
