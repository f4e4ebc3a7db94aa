import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { anyPduArb } from './arbitraries'
import { encode } from './codec'
import { FrameError, Framer } from './framer'
import { CommandId, type Pdu } from './pdu'
import { Status } from './status'

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

const enquireLink = hex('00000010 00000015 00000000 00000007')

it.each([1, 4, 8, 15])('yields one enquire_link when the bytes arrive split at %i', (at) => {
  const framer = new Framer()
  const pdus = [...framer.push(enquireLink.subarray(0, at)), ...framer.push(enquireLink.subarray(at))]
  expect(pdus).toEqual([{ commandId: CommandId.EnquireLink, status: Status.Ok, sequence: 7, body: {} }])
})

it('yields every PDU of a chunk that holds several', () => {
  const framer = new Framer()
  const out = framer.push(Buffer.concat([enquireLink, enquireLink, enquireLink.subarray(0, 3)]))
  expect(out).toHaveLength(2)
  expect(framer.buffered).toBe(3)
  expect(framer.push(enquireLink.subarray(3))).toHaveLength(1)
  expect(framer.buffered).toBe(0)
})

describe('errors', () => {
  it('answers an unknown command_id without losing the stream (non-fatal ESME_RINVCMDID)', () => {
    const framer = new Framer()
    const out = framer.push(Buffer.concat([hex('00000010 00000099 00000000 00000004'), enquireLink]))
    expect(out[0]).toEqual(new FrameError(Status.InvCmdId, 0x99, 4, false, 'unknown command_id 0x00000099'))
    expect(out[1]).toMatchObject({ commandId: CommandId.EnquireLink, sequence: 7 })
  })

  it('answers a bad body with its status and keeps framing', () => {
    const framer = new Framer()
    // bind_transmitter whose system_id has no NUL before the end of the body
    const out = framer.push(Buffer.concat([hex('00000014 00000002 00000000 00000009 41414141'), enquireLink]))
    expect(out[0]).toMatchObject({ status: Status.InvSysId, commandId: CommandId.BindTransmitter, sequence: 9, fatal: false })
    expect(out[1]).toMatchObject({ commandId: CommandId.EnquireLink })
  })

  it.each([
    ['under 16', '0000000f 00000015 00000000 00000003', CommandId.EnquireLink],
    ['over the maximum', '00010001 00000004 00000000 00000003', CommandId.SubmitSm],
  ])('stops at a command_length %s (fatal ESME_RINVCMDLEN) and yields nothing more', (_, header, commandId) => {
    const framer = new Framer()
    const out = framer.push(hex(header))
    expect(out).toEqual([expect.objectContaining({ status: Status.InvCmdLen, fatal: true, commandId, sequence: 3 })])
    expect(out[0]).toBeInstanceOf(FrameError)
    expect(framer.failed).toBe(true)
    expect(framer.push(enquireLink)).toEqual([])
  })

  it('does not allocate for a huge command_length that arrives byte by byte', () => {
    const framer = new Framer({ maxLength: 1024 })
    const bytes = hex('ffffffff')
    const out = [...bytes].flatMap((b) => framer.push(Buffer.from([b])))
    expect(out).toEqual([expect.objectContaining({ status: Status.InvCmdLen, fatal: true })])
    expect(framer.buffered).toBe(0)
  })
})

const chunked = (bytes: Buffer, cuts: number[]): Buffer[] => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let prev = 0
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(prev, p))
    prev = p
  }
  return chunks
}

it('yields the same PDUs however a stream of random PDUs is chunked', () => {
  fc.assert(
    fc.property(fc.array(anyPduArb(), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (pdus, cuts) => {
      const stream = Buffer.concat(pdus.map(encode))
      const framer = new Framer()
      const out: Array<Pdu | FrameError> = []
      for (const chunk of chunked(stream, cuts)) out.push(...framer.push(chunk))
      expect(out).toEqual(pdus)
      expect(framer.buffered).toBe(0)
    }),
    { numRuns: 300 },
  )
}, 60_000)

// Fuzz: random and mutated frames, in random chunks. The framer must return (never throw) and never hold more than maxLength.
it('never throws and never buffers more than maxLength on hostile input', () => {
  const maxLength = 4096
  const seeds = fc.sample(anyPduArb(), 200).map(encode)
  let rnd = 0x9e3779b9
  const next = (n: number): number => {
    rnd ^= rnd << 13
    rnd ^= rnd >>> 17
    rnd ^= rnd << 5
    return (rnd >>> 0) % n
  }
  const deadline = Date.now() + 3000
  let runs = 0
  let pdus = 0
  let errors = 0
  for (; runs < 20000 && Date.now() < deadline; runs++) {
    const framer = new Framer({ maxLength })
    let input: Buffer
    const kind = next(3)
    if (kind === 0) {
      input = Buffer.from(Array.from({ length: next(200) }, () => next(256)))
    } else {
      input = Buffer.from(seeds[next(seeds.length)])
      for (let m = next(6); m >= 0; m--) input[next(input.length)] = next(256)
      // Keep the length plausible in most mutants so that body decoding, not just framing, is exercised.
      if (kind === 2 && input.length >= 4) input.writeUInt32BE(input.length, 0)
    }
    let off = 0
    while (off < input.length) {
      const n = 1 + next(64)
      for (const r of framer.push(input.subarray(off, off + n))) r instanceof FrameError ? errors++ : pdus++
      expect(framer.buffered).toBeLessThanOrEqual(maxLength)
      off += n
    }
  }
  expect(pdus + errors).toBeGreaterThan(0)
}, 60_000)
