/**
 * The CloudFormation custom resource protocol, for the stack's Lambda-backed custom resources
 * (infra/cdk/bootstrap/handler.ts, functions/sandbox/register.ts). CloudFormation invokes the function with an event
 * and waits for a JSON document PUT to the event's pre-signed ResponseURL (AWS CloudFormation user guide,
 * "Custom resource request objects" and "response objects"). Without that PUT a deploy hangs until CloudFormation's
 * one-hour timeout, so every outcome, a thrown error included, is answered.
 */
export interface CfnEvent<Props = Record<string, string>> {
  RequestType: 'Create' | 'Update' | 'Delete'
  ResponseURL: string
  StackId: string
  RequestId: string
  LogicalResourceId: string
  /** Absent on Create; afterwards what the last answer named. */
  PhysicalResourceId?: string
  ResourceType: string
  ResourceProperties: Props
}

/** What a resource's work reports on success: its physical id (a new one on Update means a replacement) and outputs. */
export interface CfnResult {
  physicalResourceId: string
  /** Read in the template with Fn::GetAtt. */
  data?: Record<string, string>
}

/** The response object's Reason is shown in the stack's events; CloudFormation caps the whole response at 4 KB. */
export const MaxReasonChars = 500

/**
 * Runs `work` and answers SUCCESS with its id and data, or FAILED with the error's text. A failure keeps the id
 * CloudFormation already knows (the event's PhysicalResourceId; on a failed Create, `failedId` or the logical id), so
 * a failed Update is not read as a replacement that would delete the old resource during rollback.
 */
export async function answerCustomResource<P>(
  event: CfnEvent<P>,
  work: (event: CfnEvent<P>) => Promise<CfnResult>,
  opts: { failedId?: string; log?: (msg: string, err: unknown) => void } = {},
): Promise<void> {
  let answer: { Status: 'SUCCESS' | 'FAILED'; Reason?: string; PhysicalResourceId: string; Data?: Record<string, string> }
  try {
    const done = await work(event)
    answer = { Status: 'SUCCESS', PhysicalResourceId: done.physicalResourceId, ...(done.data && { Data: done.data }) }
  } catch (err) {
    opts.log?.('custom resource failed', err)
    answer = {
      Status: 'FAILED',
      Reason: String(err).slice(0, MaxReasonChars),
      PhysicalResourceId: event.PhysicalResourceId ?? opts.failedId ?? event.LogicalResourceId,
    }
  }
  const body = JSON.stringify({ ...answer, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId })
  // The pre-signed URL was signed with an empty content type: fetch's default (text/plain) would break its signature.
  const res = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } })
  // AWS's own cfn-response module logs a refused answer and ends; a retried invocation would redo the work for nothing.
  if (!res.ok) opts.log?.('custom resource answer refused', res.status)
}
