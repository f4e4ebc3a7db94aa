import type { Template } from 'aws-cdk-lib/assertions'

/**
 * Reading IAM out of a synthesized template, for the assertion tests: which principal may do which
 * action on which resource, with resources named by the logical id they point at.
 */

export interface Statement {
  Effect: string
  Action: string | string[]
  Resource?: unknown
}

export interface Grant {
  action: string
  /** A logical id (`Fn::GetAtt`/`Ref`), `<logical id>/index/*`, or the resource text with tokens stripped. */
  resource: string
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])

interface PolicyDocument {
  Statement: Statement | Statement[]
}
interface PolicyProps {
  PolicyDocument?: PolicyDocument
  Policies?: { PolicyDocument?: PolicyDocument }[]
  Roles?: { Ref: string }[]
}
type Intrinsic = string | { 'Fn::GetAtt'?: [string, string]; Ref?: string; 'Fn::Join'?: [string, Intrinsic[]] }

/** Every statement in the template: identity policies, inline role policies and resource policies. */
export function allStatements(template: Template): Statement[] {
  const out: Statement[] = []
  for (const res of Object.values(template.toJSON().Resources as Record<string, { Properties?: PolicyProps }>)) {
    const p = res.Properties ?? {}
    if (p.PolicyDocument) out.push(...list(p.PolicyDocument.Statement))
    for (const inline of list(p.Policies)) out.push(...list(inline.PolicyDocument?.Statement))
  }
  return out
}

function resourceName(r: Intrinsic): string {
  if (typeof r === 'string') return r
  if (r['Fn::GetAtt']) return r['Fn::GetAtt'][0]
  if (r.Ref) return r.Ref
  if (r['Fn::Join']) return r['Fn::Join'][1].map(resourceName).join('')
  return JSON.stringify(r)
}

/** The Allow grants of the policies attached to `roleLogicalId`. */
export function grantsOf(template: Template, roleLogicalId: string): Grant[] {
  const grants: Grant[] = []
  const policies = template.findResources('AWS::IAM::Policy')
  for (const policy of Object.values(policies)) {
    const props = policy.Properties as PolicyProps
    if (!list(props.Roles).some((r) => r.Ref === roleLogicalId)) continue
    for (const st of list(props.PolicyDocument?.Statement)) {
      if (st.Effect !== 'Allow') continue
      for (const action of list(st.Action))
        for (const r of list(st.Resource as Intrinsic)) grants.push({ action, resource: resourceName(r) })
    }
  }
  return grants
}

/** The logical id of the Lambda function whose logical id starts with `prefix`. */
export const functionId = (template: Template, prefix: string): string => logicalIdStartingWith(template, 'AWS::Lambda::Function', prefix)

/** The role logical id of the Lambda function whose logical id starts with `prefix`. */
export function functionRole(template: Template, prefix: string): string {
  return template.findResources('AWS::Lambda::Function')[functionId(template, prefix)].Properties.Role['Fn::GetAtt'][0]
}

/** Logical id of the resource of `type` whose property `prop` equals `value`. */
export function logicalIdWhere(template: Template, type: string, prop: string, value: unknown): string {
  const found = Object.entries(template.findResources(type)).filter(([, r]) => r.Properties?.[prop] === value)
  if (found.length !== 1) throw new Error(`expected one ${type} with ${prop}=${String(value)}, found ${found.length}`)
  return found[0][0]
}

export function logicalIdStartingWith(template: Template, type: string, prefix: string): string {
  const found = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix))
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${found.join(', ')}`)
  return found[0]
}
