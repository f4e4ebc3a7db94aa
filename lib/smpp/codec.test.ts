import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bodyArbs, pduArb } from './arbitraries'
import { commandName, decode, encode, isResponse, PduError, responseIdOf } from './codec'
import { CommandId, type Pdu } from './pdu'
import { Status } from './status'

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

const submitLike = {
  serviceType: '',
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  sourceAddr: '123',
  destAddrTon: 1,
  destAddrNpi: 1,
  destinationAddr: '456',
  esmClass: 0x04,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 0,
  replaceIfPresentFlag: 0,
  dataCoding: 0,
  smDefaultMsgId: 0,
  shortMessage: Buffer.from('hi'),
}

// Golden vectors laid out by hand from the PDU tables of SMPP 3.4 chapter 4 and the TLV format of section 5.3.1.
const golden: Array<[string, Pdu, string]> = [
  ['enquire_link (4.11.1)', { commandId: CommandId.EnquireLink, status: 0, sequence: 1, body: {} }, '00000010 00000015 00000000 00000001'],
  [
    'generic_nack (4.3.1)',
    { commandId: CommandId.GenericNack, status: Status.InvCmdId, sequence: 5, body: {} },
    '00000010 80000000 00000003 00000005',
  ],
  [
    'bind_transmitter (4.1.1)',
    {
      commandId: CommandId.BindTransmitter,
      status: 0,
      sequence: 1,
      body: { systemId: 'demo', password: 'demopass', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' },
    },
    '00000023 00000002 00000000 00000001 64656d6f00 64656d6f7061737300 00 34 00 00 00',
  ],
  [
    'bind_transceiver_resp with sc_interface_version (4.1.6)',
    { commandId: CommandId.BindTransceiverResp, status: 0, sequence: 1, body: { systemId: 'smsc', scInterfaceVersion: 0x34 } },
    '0000001a 80000009 00000000 00000001 736d736300 0210 0001 34',
  ],
  [
    'submit_sm_resp (4.4.2)',
    { commandId: CommandId.SubmitSmResp, status: 0, sequence: 2, body: { messageId: 'abc' } },
    '00000014 80000004 00000000 00000002 61626300',
  ],
  [
    'submit_sm_resp without body on error (4.4.2)',
    { commandId: CommandId.SubmitSmResp, status: Status.Throttled, sequence: 3, body: {} },
    '00000010 80000004 00000058 00000003',
  ],
  [
    'deliver_sm receipt with receipted_message_id, message_state, network_error_code (4.6.1, 5.3.2)',
    {
      commandId: CommandId.DeliverSm,
      status: 0,
      sequence: 9,
      body: { ...submitLike, receiptedMessageId: '1', messageState: 2, networkErrorCode: hex('030000') },
    },
    '0000003b 00000005 00000000 00000009 00 0101 31323300 0101 34353600 04 00 00 00 00 00 00 00 00 02 6869' +
      '001e 0002 3100 0427 0001 02 0423 0003 030000',
  ],
  [
    'submit_sm with sar TLVs and an unknown TLV kept (5.3.2.22-24)',
    {
      commandId: CommandId.SubmitSm,
      status: 0,
      sequence: 10,
      body: {
        ...submitLike,
        esmClass: 0,
        sarMsgRefNum: 0x1234,
        sarTotalSegments: 2,
        sarSegmentSeqnum: 1,
        unknownTlvs: [{ tag: 0x1401, value: hex('ff') }],
      },
    },
    '0000003e 00000004 00000000 0000000a 00 0101 31323300 0101 34353600 00 00 00 00 00 00 00 00 00 02 6869' +
      '020c 0002 1234 020e 0001 02 020f 0001 01 1401 0001 ff',
  ],
  [
    'submit_multi with an SME address and a distribution list (4.5.1)',
    {
      commandId: CommandId.SubmitMulti,
      status: 0,
      sequence: 4,
      body: {
        serviceType: '',
        sourceAddrTon: 0,
        sourceAddrNpi: 0,
        sourceAddr: 'a',
        dests: [
          { destFlag: 1, destAddrTon: 1, destAddrNpi: 1, destinationAddr: '9' },
          { destFlag: 2, dlName: 'dl' },
        ],
        esmClass: 0,
        protocolId: 0,
        priorityFlag: 0,
        scheduleDeliveryTime: '',
        validityPeriod: '',
        registeredDelivery: 0,
        replaceIfPresentFlag: 0,
        dataCoding: 0,
        smDefaultMsgId: 0,
        shortMessage: Buffer.alloc(0),
      },
    },
    '00000029 00000021 00000000 00000004 00 00 00 6100 02 01 01 01 3900 02 646c00 00 00 00 00 00 00 00 00 00 00',
  ],
  [
    'submit_multi_resp with one unsuccess_sme (4.5.2)',
    {
      commandId: CommandId.SubmitMultiResp,
      status: 0,
      sequence: 4,
      body: {
        messageId: 'm',
        unsuccessSmes: [{ destAddrTon: 1, destAddrNpi: 1, destinationAddr: '9', errorStatusCode: Status.InvDstAdr }],
      },
    },
    '0000001b 80000021 00000000 00000004 6d00 01 01 01 3900 0000000b',
  ],
  [
    'query_sm_resp (4.8.2)',
    {
      commandId: CommandId.QuerySmResp,
      status: 0,
      sequence: 6,
      body: { messageId: 'x', finalDate: '240101120000000+', messageState: 2, errorCode: 0 },
    },
    '00000025 80000003 00000000 00000006 7800 3234303130313132303030303030302b00 02 00',
  ],
  [
    'alert_notification with ms_availability_status (4.12.1)',
    {
      commandId: CommandId.AlertNotification,
      status: 0,
      sequence: 8,
      body: { sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '1', esmeAddrTon: 0, esmeAddrNpi: 0, esmeAddr: 'e', msAvailabilityStatus: 1 },
    },
    '0000001d 00000102 00000000 00000008 01 01 3100 00 00 6500 0422 0001 01',
  ],
]

describe('golden vectors', () => {
  it.each(golden)('%s encodes to the spec layout', (_, pdu, bytes) => {
    expect(encode(pdu).toString('hex')).toBe(hex(bytes).toString('hex'))
  })
  it.each(golden)('%s decodes from the spec layout', (_, pdu, bytes) => {
    expect(decode(hex(bytes))).toEqual(pdu)
  })
})

describe('round trip', () => {
  for (const [commandId, body] of bodyArbs()) {
    it(`decode(encode(pdu)) deep-equals pdu for ${commandName(commandId)}`, () => {
      fc.assert(
        fc.property(pduArb(commandId, body), (pdu) => {
          expect(decode(encode(pdu))).toEqual(pdu)
        }),
        { numRuns: 200 },
      )
    }, 60_000)
  }
})

const errorOf = (frame: Buffer): PduError => {
  try {
    decode(frame)
  } catch (err) {
    if (err instanceof PduError) return err
    throw err
  }
  throw new Error('decoded without error')
}

describe('decode errors carry the status to answer with and the header to address it', () => {
  it('answers an unknown command_id with ESME_RINVCMDID', () => {
    expect(errorOf(hex('00000010 00000099 00000000 0000002a'))).toMatchObject({ status: Status.InvCmdId, commandId: 0x99, sequence: 42 })
  })
  it('rejects a frame whose command_length disagrees with its size', () => {
    expect(errorOf(hex('00000011 00000015 00000000 00000001'))).toMatchObject({ status: Status.InvCmdLen })
  })
  it.each([
    ['system_id over 15 octets', '00000002', '41'.repeat(16) + '00 00 00 34 00 00 00', Status.InvSysId],
    ['password over 8 octets', '00000002', '4100 ' + '41'.repeat(9) + '00 00 34 00 00 00', Status.InvPaswd],
    ['system_type without NUL', '00000002', '4100 4100 4141', Status.InvSysTyp],
  ])('rejects a bind with %s', (_, id, body, status) => {
    const b = hex(body)
    const frame = Buffer.concat([hex(`${(16 + b.length).toString(16).padStart(8, '0')} ${id} 00000000 00000007`), b])
    expect(errorOf(frame)).toMatchObject({ status, commandId: CommandId.BindTransmitter, sequence: 7 })
  })

  const submit = (body: Pdu['body']) => encode({ commandId: CommandId.SubmitSm, status: 0, sequence: 3, body: { ...submitLike, ...body } })
  const withLength = (b: Buffer) => {
    b.writeUInt32BE(b.length, 0)
    return b
  }

  it('rejects a submit_sm whose destination_addr is not terminated before the end (ESME_RINVDSTADR)', () => {
    const full = submit({})
    expect(errorOf(withLength(Buffer.from(full.subarray(0, 16 + 1 + 2 + 4 + 2 + 2))))).toMatchObject({
      status: Status.InvDstAdr,
      sequence: 3,
    })
  })
  it('rejects a submit_sm whose sm_length runs past the body (ESME_RINVMSGLEN)', () => {
    const full = submit({})
    expect(errorOf(withLength(Buffer.from(full.subarray(0, full.length - 1))))).toMatchObject({ status: Status.InvMsgLen })
  })
  it('rejects a TLV that runs past the end (ESME_RINVOPTPARSTREAM)', () => {
    const full = submit({ receiptedMessageId: 'abc' })
    expect(errorOf(withLength(Buffer.from(full.subarray(0, full.length - 1))))).toMatchObject({ status: Status.InvOptParStream })
  })
  it('rejects stray octets after the last TLV (ESME_RINVOPTPARSTREAM)', () => {
    expect(errorOf(withLength(Buffer.concat([submit({}), hex('0427')])))).toMatchObject({ status: Status.InvOptParStream })
  })
  it('rejects an integer TLV of the wrong length (ESME_RINVPARLEN)', () => {
    expect(errorOf(withLength(Buffer.concat([submit({}), hex('0427 0002 0002')])))).toMatchObject({ status: Status.InvParLen })
  })
  it('keeps a repeated TLV instead of dropping it', () => {
    const pdu = decode(withLength(Buffer.concat([submit({ messageState: 2 }), hex('0427 0001 05')])))
    expect(pdu.body).toMatchObject({ messageState: 2, unknownTlvs: [{ tag: 0x0427, value: hex('05') }] })
  })
  it('accepts a receipted_message_id sent without its NUL', () => {
    expect(decode(withLength(Buffer.concat([submit({}), hex('001e 0002 4142')]))).body).toMatchObject({ receiptedMessageId: 'AB' })
  })
  it('answers an enquire_link that carries stray octets', () => {
    expect(decode(hex('00000012 00000015 00000000 00000001 abcd'))).toEqual({
      commandId: CommandId.EnquireLink,
      status: 0,
      sequence: 1,
      body: {},
    })
  })
})

describe('encode refuses what the wire cannot carry', () => {
  const pdu = (body: Record<string, unknown>): Pdu => ({
    commandId: CommandId.SubmitSm,
    status: 0,
    sequence: 1,
    body: { ...submitLike, ...body },
  })
  it.each([
    ['destination_addr over 20 octets', { destinationAddr: '1'.repeat(21) }, Status.InvDstAdr],
    ['source_addr over 20 octets', { sourceAddr: '1'.repeat(21) }, Status.InvSrcAdr],
    ['short_message over 255 octets', { shortMessage: Buffer.alloc(256) }, Status.InvMsgLen],
    ['message_payload over 65535 octets', { messagePayload: Buffer.alloc(65536) }, Status.InvParLen],
  ])('%s', (_, body, status) => {
    expect(() => encode(pdu(body))).toThrow(expect.objectContaining({ status }))
  })
  it('unknown command_id', () => {
    expect(() => encode({ commandId: 0x99, status: 0, sequence: 1, body: {} })).toThrow(PduError)
  })
})

describe('command helpers', () => {
  it('names commands by their spec name', () => {
    expect(commandName(CommandId.SubmitSm)).toBe('submit_sm')
    expect(commandName(CommandId.DeliverSmResp)).toBe('deliver_sm_resp')
    expect(commandName(CommandId.BindTransceiver)).toBe('bind_transceiver')
    expect(commandName(0x1234)).toBe('0x00001234')
  })
  it('knows requests from responses and the response to each request', () => {
    expect(isResponse(CommandId.SubmitSmResp)).toBe(true)
    expect(isResponse(CommandId.GenericNack)).toBe(true)
    expect(isResponse(CommandId.SubmitSm)).toBe(false)
    expect(responseIdOf(CommandId.SubmitSm)).toBe(CommandId.SubmitSmResp)
    expect(responseIdOf(CommandId.EnquireLink)).toBe(CommandId.EnquireLinkResp)
  })
  it('every command id is in the CommandId table with its response', () => {
    for (const id of Object.values(CommandId)) {
      if (!isResponse(id) && id !== CommandId.Outbind && id !== CommandId.AlertNotification)
        expect(Object.values(CommandId)).toContain(responseIdOf(id))
    }
  })
})
