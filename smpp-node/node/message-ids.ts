import { decimalIdAt, decimalRecordId, type MessageIdFormat } from '../../lib/domain/message-id-format'
import type { Quotas } from '../../lib/ports'
import { messageIdGenerator } from './message-id'

/** Decimal ids a node takes from an account's shared sequence at a time: one DynamoDB write per this many submits. */
export const DecimalIdBlock = 1_000

interface Block {
  next: number
  end: number
  salt: string
}

/**
 * The record id of each submit in the account's message_id format (lib/domain/message-id-format.ts). Opaque and
 * hex ids are made here alone; decimal ids come from the account's sequence (Quotas.block, shared by every node),
 * a block at a time, the next block asked for when half of this one is spent, so a submit waits for DynamoDB only
 * when an account's first submit on this node arrives before its block (the bind asks for it: `warm`).
 * Unique per account as long as its sequence has not gone round its 9 billion ids; a block a node drops
 * (restart, idle eviction) leaves a gap, never a repeat.
 */
export class MessageIds {
  private readonly opaque: () => string
  private readonly hex: () => string
  private readonly blocks = new Map<string, { current?: Block; spare?: Block; pending?: Promise<void> }>()

  constructor(
    nodeId: string,
    nonce: string,
    now: () => number,
    private readonly quotas: Pick<Quotas, 'block'>,
    private readonly blockSize = DecimalIdBlock,
  ) {
    this.opaque = messageIdGenerator(nodeId, nonce, now)
    this.hex = messageIdGenerator(nodeId, nonce, now, undefined, 'hex')
  }

  /** The next id, at once where it can be (always but for a decimal account whose block has run out). */
  next(account: { accountId: string; messageIdFormat?: MessageIdFormat }): string | Promise<string> {
    if (account.messageIdFormat === 'hex') return this.hex()
    if (account.messageIdFormat !== 'decimal') return this.opaque()
    const id = this.takeDecimal(account.accountId)
    if (id !== undefined) return id
    return this.refill(account.accountId).then(() => this.next(account))
  }

  /** Asks for an account's first block ahead of its first submit (after a bind). */
  warm(account: { accountId: string; messageIdFormat?: MessageIdFormat }): Promise<void> {
    return account.messageIdFormat === 'decimal' ? this.refill(account.accountId) : Promise.resolve()
  }

  private takeDecimal(accountId: string): string | undefined {
    const s = this.blocks.get(accountId)
    if (!s) return undefined
    if (s.current && s.current.next >= s.current.end) {
      s.current = s.spare
      s.spare = undefined
    }
    const b = s.current
    if (!b) return undefined
    const position = b.next++
    if (!s.spare && b.end - b.next < this.blockSize / 2) this.refill(accountId).catch(() => {}) // a failure shows at the next wait
    return decimalRecordId(decimalIdAt(position, b.salt), accountId)
  }

  private refill(accountId: string): Promise<void> {
    let s = this.blocks.get(accountId)
    if (!s) this.blocks.set(accountId, (s = {}))
    const state = s
    state.pending ??= this.quotas
      .block(`ID#${accountId}`, this.blockSize)
      .then(({ start, salt }) => {
        const b = { next: start, end: start + this.blockSize, salt }
        if (!state.current || state.current.next >= state.current.end) state.current = b
        else state.spare = b
      })
      .finally(() => {
        state.pending = undefined
      })
    return state.pending
  }
}
