import type { Esme } from './esme'

/** One message the client must get accepted: its fields, and the id it was finally accepted under. */
export interface ClientMessage {
  index: number
  destination: string
  text: string
  /** submit_sm sent, counting re-sends. */
  sends: number
  status?: number
  messageId?: string
  /** Date.now() of the answer. */
  answeredAt?: number
}

export interface ResendOptions {
  window: number
  /** A new bound session after the old one died (the caller reconnects and rebinds). */
  rebind(): Promise<Esme>
  /** After each answer, with every message; may act on the system (kill the node). */
  onAnswer?: (messages: ClientMessage[]) => void
  callTimeoutMs?: number
}

/**
 * An ESME as SMPP 3.4 clients such as Kannel behave (section 2.8): at most `window` submit_sm outstanding; when
 * the connection dies, it reconnects, rebinds and sends again every message it got no submit_sm_resp for. It
 * counts a message done once it has an answer. Returns every session it used (receipts may come on any).
 */
export async function sendAllResending(
  first: Esme,
  messages: ClientMessage[],
  o: ResendOptions,
): Promise<{ sessions: Esme[]; rebinds: number[] }> {
  const sessions = [first]
  const rebinds: number[] = []
  let esme = first
  for (let round = 0; messages.some((m) => m.status === undefined); round++) {
    if (round > 5) throw new Error('the client rebound 5 times and still has unanswered messages')
    if (round > 0) {
      esme = await o.rebind()
      rebinds.push(Date.now())
      sessions.push(esme)
    }
    const todo = messages.filter((m) => m.status === undefined)
    let next = 0
    let dead = false
    const current = esme
    const worker = async () => {
      while (!dead && next < todo.length) {
        const m = todo[next++]
        m.sends++
        try {
          const resp = await current.call(
            'submit_sm',
            { source_addr: 'RESEND', destination_addr: m.destination, short_message: m.text, registered_delivery: 1 },
            o.callTimeoutMs,
          )
          m.status = resp.command_status
          m.messageId = resp.message_id || undefined
          m.answeredAt = Date.now()
          o.onAnswer?.(messages)
        } catch {
          // No answer: the connection died (or the call timed out). The message is sent again after the rebind.
          dead = true
        }
      }
    }
    await Promise.all(Array.from({ length: o.window }, worker))
    if (dead) current.close()
  }
  return { sessions, rebinds }
}

export const clientMessages = (count: number, tag: string): ClientMessage[] =>
  Array.from({ length: count }, (_, index) => ({
    index,
    destination: `4477009${String(index).padStart(5, '0')}`,
    text: `${tag} message ${index}`,
    sends: 0,
  }))
