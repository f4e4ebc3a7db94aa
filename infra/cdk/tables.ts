import { RemovalPolicy } from 'aws-cdk-lib'
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb'
import { Construct } from 'constructs'
import { IndexProjection, type KeyDef, physicalName, type TableName, Tables } from '../../lib/resources'

const attr = (k: KeyDef) => ({ name: k.name, type: k.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER })

/**
 * Every table of lib/resources.ts `Tables`, as the local stack creates them (infra/local/provision.ts):
 * on-demand, GSIs projecting everything, TTL where defined. Plus what only AWS has: point-in-time
 * recovery, and in production deletion protection and RETAIN, so neither a console click nor a
 * `cdk destroy` takes the ledger with it.
 */
export class PlatformTables extends Construct {
  readonly tables: Record<TableName, Table>

  constructor(scope: Construct, id: string, props: { prefix: string; protect: boolean }) {
    super(scope, id)
    const entries = (Object.keys(Tables) as TableName[]).map((name) => {
      const def: (typeof Tables)[TableName] = Tables[name]
      const table = new Table(this, name, {
        tableName: physicalName(props.prefix, def.name),
        partitionKey: attr(def.partitionKey),
        sortKey: 'sortKey' in def ? attr(def.sortKey) : undefined,
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        timeToLiveAttribute: 'ttlAttribute' in def ? def.ttlAttribute : undefined,
        deletionProtection: props.protect,
        removalPolicy: props.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      })
      for (const index of 'indexes' in def ? def.indexes : []) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attr(index.partitionKey),
          sortKey: 'sortKey' in index ? attr(index.sortKey) : undefined,
          projectionType: ProjectionType[IndexProjection],
        })
      }
      return [name, table] as const
    })
    this.tables = Object.fromEntries(entries) as Record<TableName, Table>
  }
}
