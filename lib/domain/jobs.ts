import type { DeliverPayload } from './model'

/**
 * The messages that travel on the queues, as JSON. Binary fields are base64. Every job carries the
 * node-assigned messageId, the key of every "exactly once" guard downstream.
 */

export interface Destination {
  addr: string
  ton: number
  npi: number
}

/** submit queue: posted by the node for submit_sm, data_sm and submit_multi. */
export interface SubmitJob {
  v: 1
  messageId: string
  accountId: string
  nodeId: string
  replyTo: string // the node's callback queue URL
  receivedAt: string // ISO
  deadline: number // epoch ms; after it the node has answered 0x0402, so the pipeline must drop the job
  async: boolean // account's refusal mode is async: the node already answered status 0
  command: 'submit_sm' | 'data_sm' | 'submit_multi'
  serviceType: string
  sourceAddr: string
  sourceAddrTon: number
  sourceAddrNpi: number
  destinations: Destination[] // one, except for submit_multi
  esmClass: number
  protocolId: number
  priorityFlag: number
  registeredDelivery: number
  dataCoding: number
  validityPeriod: string
  scheduleDeliveryTime: string
  shortMessage: string // base64, UDH included
  messagePayload?: string // base64
  sar?: { ref: number; total: number; seq: number }
  /** Decoded text of this PDU (without UDH), for content rules; '' for binary. */
  text: string
  /** Billing parts this PDU stands for: 1 for each UDH/SAR segment, n for a long message_payload. */
  parts: number
}

export interface VerdictMessage {
  type: 'verdict'
  messageId: string
  status: number // 0 or the command_status to answer with
  /** submit_multi: destinations refused while others were accepted (submit_multi_resp unsuccess_sme). */
  unsuccess?: { addr: string; ton: number; npi: number; status: number }[]
}

export interface DeliverMessage {
  type: 'deliver'
  accountId: string
  pendingSk: string // key of the pending item: claim it, send deliver_sm, delete it after deliver_sm_resp
  deliver: DeliverPayload
}

/** A node's callback queue. */
export type CallbackMessage = VerdictMessage | DeliverMessage

/** dispatch queue: an accepted, charged message on its way to an upstream. */
export interface DispatchJob {
  v: 1
  messageId: string
  accountId: string
  sourceAddr: string
  sourceAddrTon: number
  sourceAddrNpi: number
  destinationAddr: string
  destAddrTon: number
  destAddrNpi: number
  esmClass: number
  dataCoding: number
  registeredDelivery: number
  shortMessage: string // base64
  messagePayload?: string // base64
  sar?: { ref: number; total: number; seq: number }
  upstreams: string[] // in route priority order; the next is the failover
  attempt: number
}

/** receipts queue: what upstreams (connectors, the simulator, the webhook) report. */
export type UpstreamEvent =
  | {
      type: 'receipt'
      upstreamId: string
      messageId?: string // ours, when the upstream echoes it
      upstreamMessageId?: string // theirs, mapped through messages.byUpstreamId
      stat: string // DELIVRD, UNDELIV, EXPIRED, REJECTD, ENROUTE, ACCEPTD, UNKNOWN, DELETED
      err: number
      doneAt: string // ISO
      networkErrorCode?: string // hex
    }
  | {
      type: 'mo'
      upstreamId: string
      sourceAddr: string
      destinationAddr: string // a number owned by an account
      dataCoding: number
      shortMessage: string // base64
      receivedAt: string
    }

/**
 * The HTTP upstream contract (connector kind 'http'; the local carrier simulator serves it):
 * POST <upstream.url> with this JSON and `Authorization: Bearer <secret>` when the upstream has a
 * secretRef. A 2xx answer with `{ "id": "<upstream message id>" }` means accepted; any other answer,
 * a timeout or a connection error is a transport error (failover, then 0x0446).
 */
export interface HttpSubmitRequest {
  messageId: string
  from: string
  to: string
  dataCoding: number
  esmClass: number
  registeredDelivery: number
  shortMessage: string // base64
  messagePayload?: string // base64
}
export interface HttpSubmitResponse {
  id: string
}
