import { describe, expect, it } from 'vitest'
import { webhookBody } from './webhook-event'

// Issue 17: an MO in GSM 7-bit whose UDH names national language tables reads with them (TS 23.040 9.2.3.24.15/16).
const mo = (udhHex: string, septetsHex: string) => ({
  kind: 'mo' as const,
  sourceAddr: '905321234567',
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  destinationAddr: '447700900999',
  destAddrTon: 1,
  destAddrNpi: 1,
  esmClass: 0x40,
  dataCoding: 0,
  shortMessage: Buffer.from(udhHex + septetsHex, 'hex').toString('base64'),
})

describe('webhookBody: MO text with national shift tables (issue 17)', () => {
  it.each([
    // 24 01 02: Spanish single shift (A.2.2): ESC 0x61 is á, where the default extension table has nothing.
    ['single shift 0x24', '03240102', '1b61', 'á'],
    // 25 01 01: Turkish locking (A.3.1): 0x1d is ş, æ in the default alphabet.
    ['locking shift 0x25', '03250101', '1d', 'ş'],
    // Both in one UDH: Turkish locking with the Spanish single shift table.
    ['both', '062501012401' + '02', '1d1b61', 'şá'],
  ])('%s', (_, udh, septets, text) => {
    expect(webhookBody('e1', mo(udh, septets), '2026-01-01T00:00:00Z').body).toMatchObject({ type: 'mo', text })
  })

  it('reads the same septets with the default alphabet when the UDH names no table', () => {
    expect(webhookBody('e1', { ...mo('', '1d'), esmClass: 0 }, '2026-01-01T00:00:00Z').body).toMatchObject({ text: 'æ' })
  })
})
