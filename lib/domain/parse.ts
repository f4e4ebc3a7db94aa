import { z } from 'zod'
import type { DispatchJob, SubmitJob, UpstreamEvent } from './jobs'

/**
 * Queue bodies are checked at the edge: a body that does not parse throws, so its record is retried
 * alone and redrive ends it in the DLQ (a poison message never loops and is never half-processed).
 */
const int = z.number().int()
const sar = z.object({ ref: int, total: int, seq: int }).optional()

const submitJob = z.object({
  v: z.literal(1),
  messageId: z.string().min(1),
  accountId: z.string().min(1),
  nodeId: z.string(),
  replyTo: z.string().min(1),
  receivedAt: z.string(),
  deadline: z.number(),
  async: z.boolean(),
  command: z.enum(['submit_sm', 'data_sm', 'submit_multi']),
  serviceType: z.string(),
  sourceAddr: z.string(),
  sourceAddrTon: int,
  sourceAddrNpi: int,
  destinations: z.array(z.object({ addr: z.string().min(1), ton: int, npi: int })).min(1),
  esmClass: int,
  protocolId: int,
  priorityFlag: int,
  registeredDelivery: int,
  dataCoding: int,
  validityPeriod: z.string(),
  scheduleDeliveryTime: z.string(),
  shortMessage: z.string(),
  messagePayload: z.string().optional(),
  sar,
  text: z.string(),
  parts: int.min(1),
})

const dispatchJob = z.object({
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
  upstreams: z.array(z.string()),
  attempt: int.min(0),
})

const upstreamEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('receipt'),
    upstreamId: z.string(),
    messageId: z.string().optional(),
    upstreamMessageId: z.string().optional(),
    stat: z.string(),
    err: int,
    doneAt: z.string(),
    networkErrorCode: z.string().optional(),
  }),
  z.object({
    type: z.literal('mo'),
    upstreamId: z.string(),
    sourceAddr: z.string(),
    destinationAddr: z.string().min(1),
    dataCoding: int,
    shortMessage: z.string(),
    receivedAt: z.string(),
  }),
])

export const parseSubmitJob = (body: string): SubmitJob => submitJob.parse(JSON.parse(body)) as SubmitJob
export const parseDispatchJob = (body: string): DispatchJob => dispatchJob.parse(JSON.parse(body)) as DispatchJob
export const parseUpstreamEvent = (body: string): UpstreamEvent => upstreamEvent.parse(JSON.parse(body)) as UpstreamEvent
