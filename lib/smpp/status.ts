/**
 * command_status values (SMPP 3.4 section 5.1.3) plus the platform's own codes.
 *
 * Peers may send codes that are in neither list (vendor-specific range 0x400-0x4FF, or simply
 * nonsense), so the value type is a plain number: `StatusCode`, not a union of the table's values.
 */
export const Status = {
  Ok: 0x00000000, // ESME_ROK: no error
  InvMsgLen: 0x00000001, // ESME_RINVMSGLEN: message length is invalid
  InvCmdLen: 0x00000002, // ESME_RINVCMDLEN: command length is invalid
  InvCmdId: 0x00000003, // ESME_RINVCMDID: invalid command ID
  InvBndSts: 0x00000004, // ESME_RINVBNDSTS: incorrect bind status for given command
  AlyBnd: 0x00000005, // ESME_RALYBND: ESME already in bound state
  InvPrtFlg: 0x00000006, // ESME_RINVPRTFLG: invalid priority flag
  InvRegDlvFlg: 0x00000007, // ESME_RINVREGDLVFLG: invalid registered delivery flag
  SysErr: 0x00000008, // ESME_RSYSERR: system error
  InvSrcAdr: 0x0000000a, // ESME_RINVSRCADR: invalid source address
  InvDstAdr: 0x0000000b, // ESME_RINVDSTADR: invalid destination address
  InvMsgId: 0x0000000c, // ESME_RINVMSGID: message ID is invalid
  BindFail: 0x0000000d, // ESME_RBINDFAIL: bind failed
  InvPaswd: 0x0000000e, // ESME_RINVPASWD: invalid password
  InvSysId: 0x0000000f, // ESME_RINVSYSID: invalid system ID
  CancelFail: 0x00000011, // ESME_RCANCELFAIL: cancel_sm failed
  ReplaceFail: 0x00000013, // ESME_RREPLACEFAIL: replace_sm failed
  MsgQFul: 0x00000014, // ESME_RMSGQFUL: message queue full
  InvSerTyp: 0x00000015, // ESME_RINVSERTYP: invalid service type
  InvNumDests: 0x00000033, // ESME_RINVNUMDESTS: invalid number of destinations
  InvDlName: 0x00000034, // ESME_RINVDLNAME: invalid distribution list name
  InvDestFlag: 0x00000040, // ESME_RINVDESTFLAG: destination flag is invalid (submit_multi)
  InvSubRep: 0x00000042, // ESME_RINVSUBREP: invalid 'submit with replace' request
  InvEsmClass: 0x00000043, // ESME_RINVESMCLASS: invalid esm_class field data
  CntSubDl: 0x00000044, // ESME_RCNTSUBDL: cannot submit to distribution list
  SubmitFail: 0x00000045, // ESME_RSUBMITFAIL: submit_sm or submit_multi failed
  InvSrcTon: 0x00000048, // ESME_RINVSRCTON: invalid source address TON
  InvSrcNpi: 0x00000049, // ESME_RINVSRCNPI: invalid source address NPI
  InvDstTon: 0x00000050, // ESME_RINVDSTTON: invalid destination address TON
  InvDstNpi: 0x00000051, // ESME_RINVDSTNPI: invalid destination address NPI
  InvSysTyp: 0x00000053, // ESME_RINVSYSTYP: invalid system_type field
  InvRepFlag: 0x00000054, // ESME_RINVREPFLAG: invalid replace_if_present flag
  InvNumMsgs: 0x00000055, // ESME_RINVNUMMSGS: invalid number of messages
  Throttled: 0x00000058, // ESME_RTHROTTLED: throttling error (ESME has exceeded allowed message limits)
  InvSched: 0x00000061, // ESME_RINVSCHED: invalid scheduled delivery time
  InvExpiry: 0x00000062, // ESME_RINVEXPIRY: invalid message validity period (expiry time)
  InvDftMsgId: 0x00000063, // ESME_RINVDFTMSGID: predefined message invalid or not found
  XTAppn: 0x00000064, // ESME_RX_T_APPN: ESME receiver temporary app error code
  XPAppn: 0x00000065, // ESME_RX_P_APPN: ESME receiver permanent app error code
  XRAppn: 0x00000066, // ESME_RX_R_APPN: ESME receiver reject message error code
  QueryFail: 0x00000067, // ESME_RQUERYFAIL: query_sm request failed
  InvOptParStream: 0x000000c0, // ESME_RINVOPTPARSTREAM: error in the optional part of the PDU body
  OptParNotAllwd: 0x000000c1, // ESME_ROPTPARNOTALLWD: optional parameter not allowed
  InvParLen: 0x000000c2, // ESME_RINVPARLEN: invalid parameter length
  MissingOptParam: 0x000000c3, // ESME_RMISSINGOPTPARAM: expected optional parameter missing
  InvOptParamVal: 0x000000c4, // ESME_RINVOPTPARAMVAL: invalid optional parameter value
  DeliveryFailure: 0x000000fe, // ESME_RDELIVERYFAILURE: delivery failure (data_sm_resp)
  UnknownErr: 0x000000ff, // ESME_RUNKNOWNERR: unknown error

  // Platform codes, in the range SMPP 3.4 reserves for SMSC vendors (0x400-0x4FF).
  UnknownDataCoding: 0x00000400, // PLATFORM_UNKNOWN_DATA_CODING: data_coding not recognised
  TextTooLong: 0x00000401, // PLATFORM_TEXT_TOO_LONG: a single short_message over 160 bytes
  NotRegistered: 0x00000402, // PLATFORM_NOT_REGISTERED: message could not be registered (internal; retry is safe)
  ForbiddenContent: 0x00000403, // PLATFORM_FORBIDDEN_CONTENT: text contains a forbidden word or phrase
  Blacklisted: 0x00000404, // PLATFORM_BLACKLISTED: sender or recipient is blacklisted
  InsufficientFunds: 0x00000433, // PLATFORM_INSUFFICIENT_FUNDS: the account cannot pay
  NoTariff: 0x0000043c, // PLATFORM_NO_TARIFF: no tariff for the destination
  NoUpstreamTariff: 0x0000043f, // PLATFORM_NO_UPSTREAM_TARIFF: no tariff at the upstream carrier for the destination
  TransportError: 0x00000446, // PLATFORM_TRANSPORT_ERROR: transport error towards the upstream
  Duplicate: 0x00000453, // PLATFORM_DUPLICATE: same text to the same number within the duplicate window
  NoRoute: 0x0000045a, // PLATFORM_NO_ROUTE: no routing policy found
} as const

/** A command_status as seen on the wire: one of `Status`, or any code a peer chose to send. */
export type StatusCode = number

export type StatusKey = keyof typeof Status

const info: Record<number, readonly [name: string, description: string]> = {
  [Status.Ok]: ['ESME_ROK', 'No error'],
  [Status.InvMsgLen]: ['ESME_RINVMSGLEN', 'Message length is invalid'],
  [Status.InvCmdLen]: ['ESME_RINVCMDLEN', 'Command length is invalid'],
  [Status.InvCmdId]: ['ESME_RINVCMDID', 'Invalid command ID'],
  [Status.InvBndSts]: ['ESME_RINVBNDSTS', 'Incorrect bind status for given command'],
  [Status.AlyBnd]: ['ESME_RALYBND', 'ESME already in bound state'],
  [Status.InvPrtFlg]: ['ESME_RINVPRTFLG', 'Invalid priority flag'],
  [Status.InvRegDlvFlg]: ['ESME_RINVREGDLVFLG', 'Invalid registered delivery flag'],
  [Status.SysErr]: ['ESME_RSYSERR', 'System error'],
  [Status.InvSrcAdr]: ['ESME_RINVSRCADR', 'Invalid source address'],
  [Status.InvDstAdr]: ['ESME_RINVDSTADR', 'Invalid destination address'],
  [Status.InvMsgId]: ['ESME_RINVMSGID', 'Message ID is invalid'],
  [Status.BindFail]: ['ESME_RBINDFAIL', 'Bind failed'],
  [Status.InvPaswd]: ['ESME_RINVPASWD', 'Invalid password'],
  [Status.InvSysId]: ['ESME_RINVSYSID', 'Invalid system ID'],
  [Status.CancelFail]: ['ESME_RCANCELFAIL', 'cancel_sm failed'],
  [Status.ReplaceFail]: ['ESME_RREPLACEFAIL', 'replace_sm failed'],
  [Status.MsgQFul]: ['ESME_RMSGQFUL', 'Message queue full'],
  [Status.InvSerTyp]: ['ESME_RINVSERTYP', 'Invalid service type'],
  [Status.InvNumDests]: ['ESME_RINVNUMDESTS', 'Invalid number of destinations'],
  [Status.InvDlName]: ['ESME_RINVDLNAME', 'Invalid distribution list name'],
  [Status.InvDestFlag]: ['ESME_RINVDESTFLAG', 'Destination flag is invalid'],
  [Status.InvSubRep]: ['ESME_RINVSUBREP', "Invalid 'submit with replace' request"],
  [Status.InvEsmClass]: ['ESME_RINVESMCLASS', 'Invalid esm_class field data'],
  [Status.CntSubDl]: ['ESME_RCNTSUBDL', 'Cannot submit to distribution list'],
  [Status.SubmitFail]: ['ESME_RSUBMITFAIL', 'submit_sm or submit_multi failed'],
  [Status.InvSrcTon]: ['ESME_RINVSRCTON', 'Invalid source address TON'],
  [Status.InvSrcNpi]: ['ESME_RINVSRCNPI', 'Invalid source address NPI'],
  [Status.InvDstTon]: ['ESME_RINVDSTTON', 'Invalid destination address TON'],
  [Status.InvDstNpi]: ['ESME_RINVDSTNPI', 'Invalid destination address NPI'],
  [Status.InvSysTyp]: ['ESME_RINVSYSTYP', 'Invalid system_type field'],
  [Status.InvRepFlag]: ['ESME_RINVREPFLAG', 'Invalid replace_if_present flag'],
  [Status.InvNumMsgs]: ['ESME_RINVNUMMSGS', 'Invalid number of messages'],
  [Status.Throttled]: ['ESME_RTHROTTLED', 'Throttling error (ESME has exceeded allowed message limits)'],
  [Status.InvSched]: ['ESME_RINVSCHED', 'Invalid scheduled delivery time'],
  [Status.InvExpiry]: ['ESME_RINVEXPIRY', 'Invalid message validity period (expiry time)'],
  [Status.InvDftMsgId]: ['ESME_RINVDFTMSGID', 'Predefined message invalid or not found'],
  [Status.XTAppn]: ['ESME_RX_T_APPN', 'ESME receiver temporary app error code'],
  [Status.XPAppn]: ['ESME_RX_P_APPN', 'ESME receiver permanent app error code'],
  [Status.XRAppn]: ['ESME_RX_R_APPN', 'ESME receiver reject message error code'],
  [Status.QueryFail]: ['ESME_RQUERYFAIL', 'query_sm request failed'],
  [Status.InvOptParStream]: ['ESME_RINVOPTPARSTREAM', 'Error in the optional part of the PDU body'],
  [Status.OptParNotAllwd]: ['ESME_ROPTPARNOTALLWD', 'Optional parameter not allowed'],
  [Status.InvParLen]: ['ESME_RINVPARLEN', 'Invalid parameter length'],
  [Status.MissingOptParam]: ['ESME_RMISSINGOPTPARAM', 'Expected optional parameter missing'],
  [Status.InvOptParamVal]: ['ESME_RINVOPTPARAMVAL', 'Invalid optional parameter value'],
  [Status.DeliveryFailure]: ['ESME_RDELIVERYFAILURE', 'Delivery failure'],
  [Status.UnknownErr]: ['ESME_RUNKNOWNERR', 'Unknown error'],
  [Status.UnknownDataCoding]: ['PLATFORM_UNKNOWN_DATA_CODING', 'data_coding not recognised'],
  [Status.TextTooLong]: ['PLATFORM_TEXT_TOO_LONG', 'Text too long: use UDH, SAR or message_payload for texts over 160 bytes'],
  [Status.NotRegistered]: ['PLATFORM_NOT_REGISTERED', 'Message could not be registered; retry is safe'],
  [Status.ForbiddenContent]: ['PLATFORM_FORBIDDEN_CONTENT', 'Text contains a forbidden word or phrase'],
  [Status.Blacklisted]: ['PLATFORM_BLACKLISTED', 'Sender or recipient is blacklisted'],
  [Status.InsufficientFunds]: ['PLATFORM_INSUFFICIENT_FUNDS', 'Insufficient funds'],
  [Status.NoTariff]: ['PLATFORM_NO_TARIFF', 'No tariff for the destination'],
  [Status.NoUpstreamTariff]: ['PLATFORM_NO_UPSTREAM_TARIFF', 'No tariff at the upstream carrier for the destination'],
  [Status.TransportError]: ['PLATFORM_TRANSPORT_ERROR', 'Transport error towards the upstream'],
  [Status.Duplicate]: ['PLATFORM_DUPLICATE', 'Same text to the same number within the duplicate window'],
  [Status.NoRoute]: ['PLATFORM_NO_ROUTE', 'No routing policy found'],
}

const hex32 = (code: number): string => '0x' + (code >>> 0).toString(16).padStart(8, '0')

/** The spec name of a command_status ('ESME_RTHROTTLED'), or its hex form ('0x000000ab') when unknown. */
export const statusName = (code: StatusCode): string => info[code]?.[0] ?? hex32(code)

/** A human-readable description, for logs and the API; unknown codes say which code it was. */
export const statusDescription = (code: StatusCode): string => info[code]?.[1] ?? `Unknown status ${hex32(code)}`

/** True for a code this platform knows (standard or platform-specific). */
export const isKnownStatus = (code: StatusCode): boolean => info[code] !== undefined
