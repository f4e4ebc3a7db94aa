/**
 * fast-check arbitraries for every PDU this codec knows, for property tests here and in the node's tests.
 * Values stay inside what the wire can carry (section 5.2 maximum lengths, no NUL inside C-strings).
 */
import fc from 'fast-check'
import { CommandId, type DestAddress, type Pdu, type Tlvs, type UnknownTlv } from './pdu'
import { tlvKeyOf } from './tlv'

export interface ArbOptions {
  /** Characters of C-strings: latin1 (1..255, the default) or 7-bit ASCII (1..127, for peers that decode 'ascii'). */
  charMax?: number
}

export const cstr = (maxLength: number, charMax = 255): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 1, max: charMax }).map((c) => String.fromCharCode(c)), maxLength })
export const u8 = fc.integer({ min: 0, max: 0xff })
export const u16 = fc.integer({ min: 0, max: 0xffff })
export const u32 = fc.integer({ min: 0, max: 0xffffffff })
export const octets = (maxLength: number, minLength = 0): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ minLength, maxLength }).map((a) => Buffer.from(a))

/** Tags no known TLV uses. */
export const unknownTag = fc.integer({ min: 0, max: 0xffff }).filter((t) => tlvKeyOf(t) === undefined)

export const tlvsArb = (o: ArbOptions = {}, omit: (keyof Tlvs)[] = []): fc.Arbitrary<Tlvs> => {
  const c = o.charMax ?? 255
  const model: { [K in keyof Tlvs]-?: fc.Arbitrary<NonNullable<Tlvs[K]>> } = {
    destAddrSubunit: u8,
    destNetworkType: u8,
    destBearerType: u8,
    destTelematicsId: u16,
    sourceAddrSubunit: u8,
    sourceNetworkType: u8,
    sourceBearerType: u8,
    sourceTelematicsId: u16,
    qosTimeToLive: u32,
    payloadType: u8,
    additionalStatusInfoText: cstr(64, c),
    receiptedMessageId: cstr(64, c),
    msMsgWaitFacilities: u8,
    privacyIndicator: u8,
    sourceSubaddress: octets(23, 2),
    destSubaddress: octets(23, 2),
    userMessageReference: u16,
    userResponseCode: u8,
    sourcePort: u16,
    destinationPort: u16,
    sarMsgRefNum: u16,
    languageIndicator: u8,
    sarTotalSegments: u8,
    sarSegmentSeqnum: u8,
    scInterfaceVersion: u8,
    callbackNumPresInd: u8,
    callbackNumAtag: octets(65),
    numberOfMessages: u8,
    callbackNum: octets(19, 4),
    dpfResult: u8,
    setDpf: u8,
    msAvailabilityStatus: u8,
    networkErrorCode: octets(3, 3),
    messagePayload: octets(300),
    deliveryFailureReason: u8,
    moreMessagesToSend: u8,
    messageState: u8,
    ussdServiceOp: u8,
    displayTime: u8,
    smsSignal: u16,
    msValidity: u8,
    alertOnMessageDelivery: fc.oneof(fc.constant(true as const), u8),
    itsReplyType: u8,
    itsSessionInfo: octets(2, 2),
    unknownTlvs: fc.array(fc.record({ tag: unknownTag, value: octets(40) }), { minLength: 1, maxLength: 3 }) as fc.Arbitrary<UnknownTlv[]>,
  }
  for (const k of omit) delete model[k]
  // Most PDUs carry few TLVs; keep that shape common while still covering every tag.
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 3, arbitrary: fc.record(model, { requiredKeys: [] }) as fc.Arbitrary<Tlvs> },
  )
}

const withTlvs = <B extends object>(body: fc.Arbitrary<B>, o: ArbOptions, omit: (keyof Tlvs)[] = []): fc.Arbitrary<B> =>
  fc.tuple(body, tlvsArb(o, omit)).map(([b, t]) => ({ ...b, ...t }))

export const bodyArbs = (o: ArbOptions = {}) => {
  const c = o.charMax ?? 255
  const sm = {
    serviceType: cstr(5, c),
    sourceAddrTon: u8,
    sourceAddrNpi: u8,
    sourceAddr: cstr(20, c),
    destAddrTon: u8,
    destAddrNpi: u8,
    destinationAddr: cstr(20, c),
    esmClass: u8,
    protocolId: u8,
    priorityFlag: u8,
    scheduleDeliveryTime: cstr(16, c),
    validityPeriod: cstr(16, c),
    registeredDelivery: u8,
    replaceIfPresentFlag: u8,
    dataCoding: u8,
    smDefaultMsgId: u8,
    shortMessage: octets(255),
  }
  const dest: fc.Arbitrary<DestAddress> = fc.oneof(
    fc.record({ destFlag: fc.constant(1 as const), destAddrTon: u8, destAddrNpi: u8, destinationAddr: cstr(20, c) }),
    fc.record({ destFlag: fc.constant(2 as const), dlName: cstr(20, c) }),
  )
  const bind = fc.record({
    systemId: cstr(15, c),
    password: cstr(8, c),
    systemType: cstr(12, c),
    interfaceVersion: u8,
    addrTon: u8,
    addrNpi: u8,
    addressRange: cstr(40, c),
  })
  const bindResp = fc.oneof(withTlvs(fc.record({ systemId: cstr(15, c) }), o), fc.constant({}))
  const messageIdResp = fc.oneof(withTlvs(fc.record({ messageId: cstr(64, c) }), o), fc.constant({}))
  const empty = fc.constant({})
  const { serviceType, sourceAddrTon, sourceAddrNpi, sourceAddr, destAddrTon, destAddrNpi, destinationAddr } = sm
  return new Map<number, fc.Arbitrary<object>>([
    [CommandId.GenericNack, empty],
    [CommandId.BindReceiver, withTlvs(bind, o)],
    [CommandId.BindReceiverResp, bindResp],
    [CommandId.BindTransmitter, withTlvs(bind, o)],
    [CommandId.BindTransmitterResp, bindResp],
    [CommandId.QuerySm, withTlvs(fc.record({ messageId: cstr(64, c), sourceAddrTon, sourceAddrNpi, sourceAddr }), o)],
    [
      CommandId.QuerySmResp,
      fc.oneof(
        withTlvs(fc.record({ messageId: cstr(64, c), finalDate: cstr(16, c), messageState: u8, errorCode: u8 }), o, ['messageState']),
        fc.constant({}),
      ),
    ],
    [CommandId.SubmitSm, withTlvs(fc.record(sm), o)],
    [CommandId.SubmitSmResp, messageIdResp],
    [CommandId.DeliverSm, withTlvs(fc.record(sm), o)],
    [CommandId.DeliverSmResp, messageIdResp],
    [CommandId.Unbind, empty],
    [CommandId.UnbindResp, empty],
    [
      CommandId.ReplaceSm,
      withTlvs(
        fc.record({
          messageId: cstr(64, c),
          sourceAddrTon,
          sourceAddrNpi,
          sourceAddr,
          scheduleDeliveryTime: sm.scheduleDeliveryTime,
          validityPeriod: sm.validityPeriod,
          registeredDelivery: u8,
          smDefaultMsgId: u8,
          shortMessage: sm.shortMessage,
        }),
        o,
      ),
    ],
    [CommandId.ReplaceSmResp, empty],
    [
      CommandId.CancelSm,
      withTlvs(
        fc.record({
          serviceType,
          messageId: cstr(64, c),
          sourceAddrTon,
          sourceAddrNpi,
          sourceAddr,
          destAddrTon,
          destAddrNpi,
          destinationAddr,
        }),
        o,
      ),
    ],
    [CommandId.CancelSmResp, empty],
    [CommandId.BindTransceiver, withTlvs(bind, o)],
    [CommandId.BindTransceiverResp, bindResp],
    [CommandId.Outbind, withTlvs(fc.record({ systemId: cstr(15, c), password: cstr(8, c) }), o)],
    [CommandId.EnquireLink, empty],
    [CommandId.EnquireLinkResp, empty],
    [
      CommandId.SubmitMulti,
      withTlvs(
        fc.record({
          serviceType,
          sourceAddrTon,
          sourceAddrNpi,
          sourceAddr,
          dests: fc.array(dest, { minLength: 1, maxLength: 10 }),
          esmClass: u8,
          protocolId: u8,
          priorityFlag: u8,
          scheduleDeliveryTime: sm.scheduleDeliveryTime,
          validityPeriod: sm.validityPeriod,
          registeredDelivery: u8,
          replaceIfPresentFlag: u8,
          dataCoding: u8,
          smDefaultMsgId: u8,
          shortMessage: sm.shortMessage,
        }),
        o,
      ),
    ],
    [
      CommandId.SubmitMultiResp,
      fc.oneof(
        withTlvs(
          fc.record({
            messageId: cstr(64, c),
            unsuccessSmes: fc.array(fc.record({ destAddrTon: u8, destAddrNpi: u8, destinationAddr: cstr(20, c), errorStatusCode: u32 }), {
              maxLength: 5,
            }),
          }),
          o,
        ),
        fc.constant({}),
      ),
    ],
    [
      CommandId.AlertNotification,
      withTlvs(
        fc.record({ sourceAddrTon, sourceAddrNpi, sourceAddr: cstr(64, c), esmeAddrTon: u8, esmeAddrNpi: u8, esmeAddr: cstr(64, c) }),
        o,
      ),
    ],
    [
      CommandId.DataSm,
      withTlvs(
        fc.record({
          serviceType,
          sourceAddrTon,
          sourceAddrNpi,
          sourceAddr: cstr(64, c),
          destAddrTon,
          destAddrNpi,
          destinationAddr: cstr(64, c),
          esmClass: u8,
          registeredDelivery: u8,
          dataCoding: u8,
        }),
        o,
      ),
    ],
    [CommandId.DataSmResp, messageIdResp],
  ])
}

/** A PDU of the given command with a random header and body. */
export const pduArb = (commandId: number, body: fc.Arbitrary<object>): fc.Arbitrary<Pdu> =>
  fc.record({ commandId: fc.constant(commandId), status: u32, sequence: u32, body }) as fc.Arbitrary<Pdu>

/** Any known PDU. */
export const anyPduArb = (o: ArbOptions = {}): fc.Arbitrary<Pdu> => fc.oneof(...[...bodyArbs(o)].map(([id, body]) => pduArb(id, body)))
