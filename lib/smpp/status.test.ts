import { describe, expect, it } from 'vitest'
import { isKnownStatus, Status, statusDescription, statusName } from './status'

describe('Status', () => {
  it.each([
    [Status.Ok, 'ESME_ROK'],
    [Status.InvCmdId, 'ESME_RINVCMDID'],
    [Status.Throttled, 'ESME_RTHROTTLED'],
    [Status.MsgQFul, 'ESME_RMSGQFUL'],
    [Status.XTAppn, 'ESME_RX_T_APPN'],
    [Status.InvOptParStream, 'ESME_RINVOPTPARSTREAM'],
    [Status.UnknownErr, 'ESME_RUNKNOWNERR'],
    [Status.InsufficientFunds, 'PLATFORM_INSUFFICIENT_FUNDS'],
    [Status.NoRoute, 'PLATFORM_NO_ROUTE'],
  ])('names %i by its spec name %s', (code, name) => {
    expect(statusName(code)).toBe(name)
  })

  it('keeps the values of SMPP 3.4 section 5.1.3 and the design table', () => {
    expect(Status).toMatchObject({
      InvMsgLen: 0x01,
      InvCmdLen: 0x02,
      InvCmdId: 0x03,
      SysErr: 0x08,
      InvSrcAdr: 0x0a,
      InvDstAdr: 0x0b,
      InvSysId: 0x0f,
      MsgQFul: 0x14,
      InvNumDests: 0x33,
      SubmitFail: 0x45,
      Throttled: 0x58,
      QueryFail: 0x67,
      InvParLen: 0xc2,
      DeliveryFailure: 0xfe,
      UnknownDataCoding: 0x0400,
      TextTooLong: 0x0401,
      NotRegistered: 0x0402,
      ForbiddenContent: 0x0403,
      Blacklisted: 0x0404,
      InsufficientFunds: 0x0433,
      NoTariff: 0x043c,
      NoUpstreamTariff: 0x043f,
      TransportError: 0x0446,
      Duplicate: 0x0453,
      NoRoute: 0x045a,
    })
  })

  it('gives every code a distinct value, name and description', () => {
    const codes = Object.values(Status)
    expect(new Set(codes).size).toBe(codes.length)
    expect(new Set(codes.map(statusName)).size).toBe(codes.length)
    for (const code of codes) {
      expect(isKnownStatus(code)).toBe(true)
      expect(statusDescription(code)).not.toMatch(/^Unknown status/)
    }
  })

  it('shows an unknown code a peer sent in hex', () => {
    expect(statusName(0x1234)).toBe('0x00001234')
    expect(statusName(0xffffffff)).toBe('0xffffffff')
    expect(statusDescription(0x1234)).toBe('Unknown status 0x00001234')
    expect(isKnownStatus(0x1234)).toBe(false)
  })
})
