import type { DeliverPayload } from '../../lib/domain/model'
import { CommandId, type Pdu } from '../../lib/smpp/pdu'

/** An MO as the pipeline stores it for delivery (a pending item's deliver_sm fields), `text` its short_message. */
export const anMo = (text: string): DeliverPayload => ({
  kind: 'mo',
  sourceAddr: '4915112345678',
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  destinationAddr: '4930123',
  destAddrTon: 1,
  destAddrNpi: 1,
  esmClass: 0,
  dataCoding: 0,
  shortMessage: Buffer.from(text).toString('base64'),
})

/** A complete submit_sm request (registered_delivery 1), for the node's tests and the bench's load generator. */
export const submitSm = (patch: Record<string, unknown> = {}): Pdu => ({
  commandId: CommandId.SubmitSm,
  status: 0,
  sequence: 1,
  body: {
    serviceType: '',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    sourceAddr: '4930123456',
    destAddrTon: 1,
    destAddrNpi: 1,
    destinationAddr: '4915112345678',
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 1,
    replaceIfPresentFlag: 0,
    dataCoding: 0,
    smDefaultMsgId: 0,
    shortMessage: Buffer.from('hello'),
    ...patch,
  },
})
