import { CommandId } from '../../lib/smpp/pdu'
import type { Command, Commands } from '../session/session'
import { bind } from './bind'
import { cancelSm } from './cancel-sm'
import { enquireLink } from './enquire-link'
import { querySm } from './query-sm'
import { replaceSm } from './replace-sm'
import type { CommandServices } from './services'
import { submit } from './submit-sm'
import { unbind } from './unbind'

export type { CommandServices } from './services'

/**
 * The requests an ESME may send, each with the bind state it needs (session/session.ts, Needs) and only
 * the services it uses; any other command_id gets generic_nack ESME_RINVCMDID.
 */
export function buildCommands(s: CommandServices): Commands {
  const submitting: Command = { needs: 'transmit', run: submit(s) }
  return new Map<number, Command>([
    [CommandId.BindTransmitter, { needs: 'open', run: bind(s, 'transmitter') }],
    [CommandId.BindReceiver, { needs: 'open', run: bind(s, 'receiver') }],
    [CommandId.BindTransceiver, { needs: 'open', run: bind(s, 'transceiver') }],
    [CommandId.EnquireLink, { needs: 'any', run: enquireLink }],
    [CommandId.Unbind, { needs: 'bound', run: unbind }],
    [CommandId.SubmitSm, submitting],
    [CommandId.DataSm, submitting],
    [CommandId.SubmitMulti, submitting],
    [CommandId.QuerySm, { needs: 'transmit', run: querySm(s) }],
    [CommandId.CancelSm, { needs: 'transmit', run: cancelSm(s) }],
    [CommandId.ReplaceSm, { needs: 'transmit', run: replaceSm(s) }],
  ])
}
