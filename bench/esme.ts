import net from 'node:net'
import { encode } from '../lib/smpp/codec'
import { FrameError, Framer } from '../lib/smpp/framer'
import { CommandId, type Pdu } from '../lib/smpp/pdu'

/**
 * A minimal ESME for the end-to-end bench: our codec on a raw socket, requests matched to responses by
 * sequence number, every deliver_sm answered with deliver_sm_resp status 0 and handed to `onDeliver`.
 */
export interface Esme {
  request(commandId: number, body: Record<string, unknown>): Promise<Pdu>
  onDeliver?: (pdu: Pdu) => void
  close(): void
}

export async function connectEsme(port: number, systemId: string, password: string): Promise<Esme> {
  const socket = net.connect(port, '127.0.0.1')
  socket.setNoDelay(true)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const framer = new Framer()
  const waiting = new Map<number, (pdu: Pdu) => void>()
  let seq = 0
  const esme: Esme = {
    request(commandId, body) {
      seq = seq >= 0x7fffffff ? 1 : seq + 1
      const sequence = seq
      return new Promise<Pdu>((resolve, reject) => {
        if (socket.destroyed) return reject(new Error('socket closed'))
        waiting.set(sequence, resolve)
        socket.write(encode({ commandId, status: 0, sequence, body }))
      })
    },
    close: () => socket.destroy(),
  }
  socket.on('error', () => {})
  socket.on('data', (chunk: Buffer) => {
    for (const item of framer.push(chunk)) {
      if (item instanceof FrameError) continue
      if (item.commandId === CommandId.DeliverSm) {
        socket.write(encode({ commandId: CommandId.DeliverSmResp, status: 0, sequence: item.sequence, body: { messageId: '' } }))
        esme.onDeliver?.(item)
      } else if (item.commandId === CommandId.EnquireLink) {
        socket.write(encode({ commandId: CommandId.EnquireLinkResp, status: 0, sequence: item.sequence, body: {} }))
      } else {
        const resolve = waiting.get(item.sequence)
        waiting.delete(item.sequence)
        resolve?.(item)
      }
    }
  })
  const bind = await esme.request(CommandId.BindTransceiver, {
    systemId,
    password,
    systemType: '',
    interfaceVersion: 0x34,
    addrTon: 0,
    addrNpi: 0,
    addressRange: '',
  })
  if (bind.status !== 0) {
    socket.destroy()
    throw new Error(`bind refused: 0x${bind.status.toString(16)}`)
  }
  return esme
}

export const submitBody = (destinationAddr: string, registeredDelivery: number, text: string): Record<string, unknown> => ({
  serviceType: '',
  sourceAddrTon: 5,
  sourceAddrNpi: 0,
  sourceAddr: 'BENCH',
  destAddrTon: 1,
  destAddrNpi: 1,
  destinationAddr,
  esmClass: 0,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery,
  replaceIfPresentFlag: 0,
  dataCoding: 0,
  smDefaultMsgId: 0,
  shortMessage: Buffer.from(text, 'latin1'),
})
