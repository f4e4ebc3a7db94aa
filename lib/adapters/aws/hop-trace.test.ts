import { describe, expect, it } from 'vitest'
import { bodyMarks, dynamoMarks, sqsMarks } from './hop-trace'

const callback = 'http://127.0.0.1:1/000000000000/smpp-callback-node-a'
const verdict = { type: 'verdict', messageId: 'm1', status: 0 }
const bundle = {
  type: 'verdicts',
  verdicts: [
    { messageId: 'm2', status: 0 },
    { messageId: 'm3', status: 0x0433 },
  ],
}
const nudge = { type: 'deliver', accountId: 'a', pendingSk: 's', deliver: { kind: 'receipt', receiptedMessageId: 'm1' } }

describe('hop-trace marks', () => {
  it('marks every verdict of a bundle, and tells a nudge from a verdict on the same callback queue', () => {
    const entries = [verdict, bundle, nudge].map((b, i) => ({ Id: String(i), MessageBody: JSON.stringify(b) }))
    expect(sqsMarks('SendMessageBatchCommand', { QueueUrl: callback, Entries: entries }, {})).toEqual([
      { event: 'sent:verdict', id: 'm1' },
      { event: 'sent:verdict', id: 'm2' },
      { event: 'sent:verdict', id: 'm3' },
      { event: 'sent:deliver', id: 'm1' },
    ])
  })

  it('marks what a receive brought back, by the queue it came from', () => {
    const out = { Messages: [{ Body: JSON.stringify({ messageId: 'm1#0', upstreams: [] }) }, { Body: 'not json' }] }
    expect(sqsMarks('ReceiveMessageCommand', { QueueUrl: 'http://h/1/smpp-dispatch' }, out)).toEqual([{ event: 'got:dispatch', id: 'm1' }])
    expect(bodyMarks('got', 'callback', JSON.stringify(bundle)).map((m) => m.id)).toEqual(['m2', 'm3'])
  })

  it('marks the record, the state move and the stored receipt inside one transaction', () => {
    const items = [
      { Put: { TableName: 'smpp-messages', Item: { messageId: { S: 'm1' }, state: { S: 'ACCEPTED' } } } },
      // A decision-only item (a refusal) has no state: it is no charge.
      { Put: { TableName: 'smpp-messages', Item: { messageId: { S: 'm9' }, verdict: { N: '1027' } } } },
      {
        Update: {
          TableName: 'smpp-messages',
          Key: { messageId: { S: 'm2#0' } },
          ExpressionAttributeNames: { '#f0': 'doneAt', '#f1': 'state', '#state': 'state' },
          ExpressionAttributeValues: { ':v0': { S: 't' }, ':v1': { S: 'DELIVERED' } },
        },
      },
      { Put: { TableName: 'smpp-pending', Item: { deliveryId: { S: 'RECEIPT#m2#0#DELIVERED' } } } },
      { Update: { TableName: 'smpp-usage', Key: { accountId: { S: 'a' } } } },
    ]
    expect(dynamoMarks('TransactWriteItemsCommand', { TransactItems: items })).toEqual([
      { event: 'charged', id: 'm1' },
      { event: 'state:DELIVERED', id: 'm2' },
      { event: 'pending', id: 'm2' },
    ])
  })

  it('marks no state for an update of the record that sets none (a lease)', () => {
    const lease = {
      TableName: 'smpp-messages',
      Key: { messageId: { S: 'm1' } },
      UpdateExpression: 'SET dispatchLease = :until',
      ExpressionAttributeNames: { '#state': 'state' },
    }
    expect(dynamoMarks('UpdateItemCommand', lease)).toEqual([])
  })

  it('marks the read of the decisions, not other batch reads', () => {
    const input = {
      RequestItems: {
        'smpp-messages': { Keys: [{ messageId: { S: 'm1' } }], ProjectionExpression: 'messageId, verdict, #state' },
        'smpp-guards': { Keys: [{ pk: { S: 'DUP#x' } }] },
      },
    }
    expect(dynamoMarks('BatchGetItemCommand', input)).toEqual([{ event: 'read:decisions', id: 'm1' }])
  })
})
