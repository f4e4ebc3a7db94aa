/**
 * AWS list prices, us-east-1, free tiers ignored: the one place the bench and docs/DEPLOY.md's cost model
 * take them from (check the AWS pricing pages before relying on them).
 */
export const Prices = {
  /** DynamoDB on-demand, per write / read request unit. */
  ddbWriteUnit: 0.625 / 1e6,
  ddbReadUnit: 0.125 / 1e6,
  /** SQS standard, per request (a batch of up to 10 messages under 64 KiB is one request). */
  sqsRequest: 0.4 / 1e6,
  /** Lambda on Arm (infra/cdk/platform-function.ts): per invocation, and per GB-second. */
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
} as const

/**
 * Lambda duration is not measured locally (a laptop's milliseconds are not Lambda's): it is stated. The
 * stage's 512 MB (infra/cdk/stage.ts lambdaMemoryMiB), and 150 ms billed per invocation: the handlers run a
 * batch's records at once (functions/batch.ts), so an invocation lasts about as long as its slowest record,
 * and dispatch's includes the HTTP upstream's answer.
 */
export const LambdaAssumption = { memoryGb: 0.5, secondsPerInvocation: 0.15 } as const

export interface PerMessage {
  ddbWriteUnits: number
  ddbReadUnits: number
  sqsRequests: number
  lambdaInvocations: number
}

/** Dollars per million messages, carrier fees, Fargate, NLB and NAT excluded (per-message AWS spend only). */
export function costPer1M(m: PerMessage): { total: number; dynamo: number; sqs: number; lambda: number } {
  const dynamo = (m.ddbWriteUnits * Prices.ddbWriteUnit + m.ddbReadUnits * Prices.ddbReadUnit) * 1e6
  const sqs = m.sqsRequests * Prices.sqsRequest * 1e6
  const gbSeconds = LambdaAssumption.memoryGb * LambdaAssumption.secondsPerInvocation
  const lambda = m.lambdaInvocations * (Prices.lambdaRequest + gbSeconds * Prices.lambdaGbSecond) * 1e6
  const r = (n: number) => Math.round(n * 100) / 100
  return { total: r(dynamo + sqs + lambda), dynamo: r(dynamo), sqs: r(sqs), lambda: r(lambda) }
}
