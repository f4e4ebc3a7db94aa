import { z } from 'zod'
import { plainBundle, plainVerdict } from './plain-verdict'

/**
 * The messages that travel on the queues, as JSON, declared once: the schemas below check every body at
 * the edge, and the types in jobs.ts are inferred from them. A body that does not parse throws, so its
 * record is retried alone and redrive ends it in the DLQ (a poison message never loops and is never
 * half-processed). Binary fields are base64; every job carries the node-assigned messageId, the key of
 * every "exactly once" guard downstream.
 */
const int = z.number().int()
const sar = z.object({ ref: int, total: int, seq: int }).optional()
const address = { addr: z.string().min(1), ton: int, npi: int }
export const DestinationSchema = z.object(address)

/** submit queue: posted by the node for submit_sm, data_sm and submit_multi. */
export const SubmitJobSchema = z.object({
  v: z.literal(1),
  messageId: z.string().min(1),
  accountId: z.string().min(1),
  nodeId: z.string(),
  incarnation: z.string().optional(), // issue 18: the node process that waits to answer (node id and nonce)
  replyTo: z.string().min(1), // the node's callback queue URL
  receivedAt: z.string(), // ISO
  deadline: z.number(), // epoch ms; after it the node has answered 0x0402, so the pipeline must drop the job
  async: z.boolean(), // account's refusal mode is async: the node already answered status 0
  command: z.enum(['submit_sm', 'data_sm', 'submit_multi']),
  serviceType: z.string(),
  sourceAddr: z.string(),
  sourceAddrTon: int,
  sourceAddrNpi: int,
  destinations: z.array(DestinationSchema).min(1), // one, except for submit_multi
  esmClass: int,
  protocolId: int,
  priorityFlag: int,
  registeredDelivery: int,
  dataCoding: int,
  validityPeriod: z.string(),
  scheduleDeliveryTime: z.string(),
  shortMessage: z.string(), // base64, UDH included
  messagePayload: z.string().optional(), // base64
  sar,
  text: z.string(), // decoded text of this PDU (without UDH), for content rules; '' for binary
  parts: int.min(1), // billing parts: 1 for each UDH/SAR segment, n for a long message_payload
})

/** dispatch queue: an accepted, charged message on its way to an upstream. */
export const DispatchJobSchema = z.object({
  v: z.literal(1),
  messageId: z.string().min(1),
  accountId: z.string().min(1),
  sourceAddr: z.string(),
  sourceAddrTon: int,
  sourceAddrNpi: int,
  destinationAddr: z.string().min(1),
  destAddrTon: int,
  destAddrNpi: int,
  esmClass: int,
  dataCoding: int,
  registeredDelivery: int,
  shortMessage: z.string(),
  messagePayload: z.string().optional(),
  sar,
  upstreams: z.array(z.string()), // in route priority order; the next is the failover
  attempt: int.min(0),
  // Issue 17: set only on the copy a connector gets (shift-reencode.ts jobForUpstream): the septets in messagePayload
  // are written with these tables, and every part's UDH carries their IEs.
  shift: z.object({ locking: int, single: int }).optional(),
})

/** receipts queue: what upstreams (connectors, the simulator, the webhook) report. */
export const UpstreamEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('receipt'),
    upstreamId: z.string(),
    messageId: z.string().optional(), // ours, when the upstream echoes it
    upstreamMessageId: z.string().optional(), // theirs, mapped through messages.byUpstreamId
    stat: z.string(), // DELIVRD, UNDELIV, EXPIRED, REJECTD, ENROUTE, ACCEPTD, UNKNOWN, DELETED
    err: int,
    doneAt: z.string(), // ISO
    networkErrorCode: z.string().optional(), // hex
  }),
  z.object({
    type: z.literal('mo'),
    upstreamId: z.string(),
    sourceAddr: z.string(),
    destinationAddr: z.string().min(1), // a number owned by an account
    dataCoding: int,
    shortMessage: z.string(), // base64, UDH included when esmClass has UDHI
    /** esm_class of the carrier's deliver_sm: UDHI (0x40) for a concatenated part or a port-addressed MO; absent = 0. */
    esmClass: int.optional(),
    sar, // sar_* TLVs of a part of a long MO (SMPP 3.4 5.3.2.22-24)
    receivedAt: z.string(),
  }),
])

/** The fields of the deliver_sm the node sends (binary fields base64); also the pending table's item body. */
export const DeliverPayloadSchema = z.object({
  kind: z.enum(['receipt', 'mo']),
  sourceAddr: z.string(),
  sourceAddrTon: int,
  sourceAddrNpi: int,
  destinationAddr: z.string(),
  destAddrTon: int,
  destAddrNpi: int,
  esmClass: int,
  dataCoding: int,
  shortMessage: z.string(), // base64
  sar, // MO: a part of a long MO that came with sar_* TLVs, passed on as they came
  receiptedMessageId: z.string().optional(),
  messageState: int.optional(),
  networkErrorCode: z.string().optional(), // hex of the 3 octets
})

/** The pipeline's verdict on one submit: alone (type 'verdict'), or one entry of a bundle (no type). */
const verdictFields = {
  messageId: z.string().min(1),
  status: int, // 0 or the command_status to answer with
  adoptedId: z.string().optional(), // issue 18: a re-send adopted as this earlier message id, answered with it
  /** submit_multi: destinations refused while others were accepted (submit_multi_resp unsuccess_sme). */
  unsuccess: z.array(z.object({ addr: z.string(), ton: int, npi: int, status: int })).optional(),
}
export const BundledVerdictSchema = z.object(verdictFields)

/**
 * A node's callback queue: the pipeline's verdict on a submit, a bundle of the verdicts one submit invocation
 * has for this node (issue 16: one message, one parse and one delete entry for many submits), or a delivery
 * to send to a receiver session. A single verdict is still read: a node may be upgraded before the functions.
 */
export const CallbackMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('verdict'), ...verdictFields }),
  z.object({ type: z.literal('verdicts'), verdicts: z.array(BundledVerdictSchema).min(1) }),
  z.object({
    type: z.literal('deliver'),
    accountId: z.string().min(1),
    pendingSk: z.string().min(1), // key of the pending item: claim it, send deliver_sm, delete it after deliver_sm_resp
    deliver: DeliverPayloadSchema,
    // Issue 12: the item was stored claimed for this node process until then (epoch ms): no claim request needed.
    claimedBy: z.string().min(1).optional(),
    claimedUntil: z.number().int().positive().optional(),
  }),
])

export const parseSubmitJob = (body: string) => SubmitJobSchema.parse(JSON.parse(body))
export const parseDispatchJob = (body: string) => DispatchJobSchema.parse(JSON.parse(body))
export const parseUpstreamEvent = (body: string) => UpstreamEventSchema.parse(JSON.parse(body))
export const parseCallbackMessage = (body: string) => {
  const v: unknown = JSON.parse(body)
  return plainVerdict(v) ?? plainBundle(v) ?? CallbackMessageSchema.parse(v) // the usual verdicts without zod's cost per submit
}
