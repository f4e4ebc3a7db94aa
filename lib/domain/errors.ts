import { Status, type StatusCode } from '../smpp/status'

/** A rule's refusal, carrying the command_status the peer gets. Rules throw; whatever builds a reply calls `statusOf`. */
export class SmppError extends Error {
  constructor(
    readonly status: StatusCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = new.target.name
  }
}

export class UnknownDataCoding extends SmppError {
  constructor(dataCoding: number) {
    super(Status.UnknownDataCoding, `data_coding 0x${dataCoding.toString(16)} not recognised`)
  }
}
export class TextTooLong extends SmppError {
  constructor(length: number) {
    super(Status.TextTooLong, `short_message of ${length} octets without UDH, SAR or message_payload`)
  }
}
export class ForbiddenContent extends SmppError {
  constructor() {
    super(Status.ForbiddenContent, 'text contains a forbidden word or phrase')
  }
}
export class Blacklisted extends SmppError {
  constructor(which: 'sender' | 'recipient') {
    super(Status.Blacklisted, `${which} is blacklisted`)
  }
}
export class Duplicate extends SmppError {
  constructor() {
    super(Status.Duplicate, 'same text to the same number within the duplicate window')
  }
}
export class NoTariff extends SmppError {
  constructor(destination: string) {
    super(Status.NoTariff, `no tariff for ${destination}`)
  }
}
export class NoUpstreamTariff extends SmppError {
  constructor(upstreamId: string) {
    super(Status.NoUpstreamTariff, `no tariff at upstream ${upstreamId}`)
  }
}
export class NoRoute extends SmppError {
  constructor(destination: string) {
    super(Status.NoRoute, `no routing policy for ${destination}`)
  }
}
export class TransportError extends SmppError {
  constructor(upstreamId: string, options?: ErrorOptions) {
    super(Status.TransportError, `transport error towards ${upstreamId}`, options)
  }
}
export class InsufficientFunds extends SmppError {
  constructor(account: string) {
    super(Status.InsufficientFunds, `account ${account} cannot pay`)
  }
}

/** The one mapping from exception to command_status; unknown errors never leak their text to the peer. */
export const statusOf = (err: unknown): StatusCode => (err instanceof SmppError ? err.status : Status.SysErr)
