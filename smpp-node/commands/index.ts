import type { Pdu } from '../../lib/smpp/pdu'
import { CommandId } from '../../lib/smpp/pdu'
import type { Connection } from '../session/connection'
import { bind } from './bind'
import { cancelSm } from './cancel-sm'
import { enquireLink } from './enquire-link'
import { querySm } from './query-sm'
import { replaceSm } from './replace-sm'
import { submit } from './submit-sm'
import { unbind } from './unbind'

/**
 * Which bind state a command needs (SMPP 3.4 section 2.2, table 2-1): binds only when open (else
 * ESME_RALYBND), submits, queries and cancels on a transmitter or transceiver, the rest on any bound
 * session (else ESME_RINVBNDSTS). enquire_link is answered in any state, as SMPP 5.0 allows in OPEN.
 */
export type Needs = 'open' | 'any' | 'bound' | 'transmit'

export interface Command {
  needs: Needs
  /** Answers through conn.reply exactly once (now or later); a throw is answered with statusOf(err). */
  run(conn: Connection, pdu: Pdu): void | Promise<void>
}

/** The requests an ESME may send; any other command_id gets generic_nack ESME_RINVCMDID. */
export const commands = new Map<number, Command>([
  [CommandId.BindTransmitter, { needs: 'open', run: bind('transmitter') }],
  [CommandId.BindReceiver, { needs: 'open', run: bind('receiver') }],
  [CommandId.BindTransceiver, { needs: 'open', run: bind('transceiver') }],
  [CommandId.EnquireLink, { needs: 'any', run: enquireLink }],
  [CommandId.Unbind, { needs: 'bound', run: unbind }],
  [CommandId.SubmitSm, { needs: 'transmit', run: submit }],
  [CommandId.DataSm, { needs: 'transmit', run: submit }],
  [CommandId.SubmitMulti, { needs: 'transmit', run: submit }],
  [CommandId.QuerySm, { needs: 'transmit', run: querySm }],
  [CommandId.CancelSm, { needs: 'transmit', run: cancelSm }],
  [CommandId.ReplaceSm, { needs: 'transmit', run: replaceSm }],
])
