import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { FakeClock, settle } from '../testing/fake-clock'
import { ProxySignature, parseProxyV2, proxyV2Header, readProxyHeader } from './proxy-protocol'

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex')

describe('PROXY protocol v2', () => {
  // haproxy proxy-protocol.txt 2.2: signature, 0x21 (v2 PROXY), 0x11 (TCP over IPv4), length 12, addresses, ports.
  const tcp4 = hex('0d0a0d0a000d0a515549540a 21 11 000c cb007107 0a000001 c738 0ae7')

  it('reads the source address and port of a TCP/IPv4 header', () => {
    expect(parseProxyV2(tcp4)).toEqual({ kind: 'ok', length: 28, source: { address: '203.0.113.7', port: 51000 } })
    expect(proxyV2Header({ address: '203.0.113.7', port: 51000 }, { address: '10.0.0.1', port: 2791 })).toEqual(tcp4)
  })

  it('reads a TCP/IPv6 header', () => {
    const v6 = Buffer.concat([
      ProxySignature,
      hex('21 21 0024'),
      hex('20010db8000000000000000000000001'),
      Buffer.alloc(16),
      hex('1f90 0ae7'),
    ])
    expect(parseProxyV2(v6)).toEqual({ kind: 'ok', length: 52, source: { address: '2001:db8:0:0:0:0:0:1', port: 8080 } })
  })

  it('skips TLVs after the addresses (the NLB adds its endpoint id)', () => {
    const withTlv = Buffer.concat([tcp4.subarray(0, 14), hex('0011'), tcp4.subarray(16), hex('ea 0002 abcd')])
    expect(parseProxyV2(withTlv)).toMatchObject({ kind: 'ok', length: 33, source: { address: '203.0.113.7' } })
  })

  it('accepts LOCAL (the proxy speaking for itself) without an address', () => {
    expect(parseProxyV2(Buffer.concat([ProxySignature, hex('20 00 0000')]))).toEqual({ kind: 'ok', length: 16 })
  })

  it.each([
    ['a plain SMPP bind', hex('0000002f 00000009 00000000 00000001')],
    ['version 1 text', Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n')],
    ['version 3', Buffer.concat([ProxySignature, hex('31 11 000c'), Buffer.alloc(12)])],
    ['an unknown command', Buffer.concat([ProxySignature, hex('2f 11 000c'), Buffer.alloc(12)])],
    ['an IPv4 block too short', Buffer.concat([ProxySignature, hex('21 11 0004'), Buffer.alloc(4)])],
  ])('refuses %s', (_what, bytes) => {
    expect(parseProxyV2(bytes).kind).toBe('invalid')
  })

  it('waits for the rest of a header split across reads', () => {
    for (const at of [1, 11, 12, 15, 16, 27]) expect(parseProxyV2(tcp4.subarray(0, at)).kind).toBe('incomplete')
  })

  it('hands the bytes after the header back to the stream', async () => {
    const stream = new PassThrough()
    const result = readProxyHeader(stream, new FakeClock(), 1000)
    stream.write(tcp4.subarray(0, 10))
    stream.write(Buffer.concat([tcp4.subarray(10), hex('00000010 00000015 00000000 00000001')]))
    expect(await result).toMatchObject({ kind: 'ok', source: { address: '203.0.113.7' } })
    expect(stream.read()).toEqual(hex('00000010 00000015 00000000 00000001'))
  })

  it('gives up when no header arrives in time', async () => {
    const clock = new FakeClock()
    const stream = new PassThrough()
    const result = readProxyHeader(stream, clock, 1000)
    stream.write(tcp4.subarray(0, 5))
    await settle()
    await clock.advance(1000)
    expect(await result).toEqual({ kind: 'invalid', reason: 'no PROXY header in time' })
  })
})
