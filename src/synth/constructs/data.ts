import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../../runtime/contract.js';
import { requireCdk } from '../cdk-modules.js';
import { removalPolicyFor } from './removal.js';

const { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } = requireCdk(
  'aws-cdk-lib/aws-dynamodb',
) as typeof dynamodb;

export interface DataProps {
  retainData: boolean;
}

/**
 * The items table. Items are addressed by `id`; the `byStatus` index (status, createdAt) answers "items with
 * status S, newest first" with a paginated Query, so listing never scans the table.
 */
export class Data extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS managed key: encrypted at rest and auditable in CloudTrail, without key-policy grants.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: props.retainData,
      removalPolicy: removalPolicyFor(props.retainData),
    });
    const index = TABLE_KEYS.statusIndex;
    this.table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }

  /** The ARN of the status index, for the handler's Query permission. */
  get statusIndexArn(): string {
    return `${this.table.tableArn}/index/${TABLE_KEYS.statusIndex.name}`;
  }
}
