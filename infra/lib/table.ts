import type { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { dynamoKeySchemaDefinition, tableSchema } from '../../server/src/platform/table-schema.ts';
import type { StageConfig } from './stage.ts';

/**
 * A table the stage uses instead of creating its own (`-c tableName=… -c tableStreamArn=…`): one
 * restored from a backup. The stack neither creates nor changes it, so its stream
 * (NEW_AND_OLD_IMAGES), point-in-time recovery and deletion protection are the operator's to
 * enable; the stream ARN is needed because the dispatcher reads it.
 */
export interface ExistingTable {
  tableName: string;
  tableStreamArn: string;
}

/**
 * The stage's table: `existing` imported when given (after a restore, see docs/aws.md), otherwise
 * created by {@link createTable}.
 */
export function stageTable(scope: Stack, stage: StageConfig, existing?: ExistingTable): dynamodb.ITable {
  if (!existing) return createTable(scope, stage);
  if (!existing.tableStreamArn.startsWith('arn:') || !existing.tableStreamArn.includes(':table/'))
    throw new Error(
      `tableStreamArn ${JSON.stringify(existing.tableStreamArn)} is not a stream ARN: enable the stream (NEW_AND_OLD_IMAGES) on ${existing.tableName} and pass its LatestStreamArn`,
    );
  return dynamodb.Table.fromTableAttributes(scope, 'Table', existing);
}

/** The table exactly as `tableSchema` lays it out (the adapter and DynamoDB Local use the same). */
export function createTable(scope: Stack, stage: StageConfig): dynamodb.Table {
  const definition = dynamoKeySchemaDefinition();
  const attributeTypes = new Map(
    definition.AttributeDefinitions.map((attribute) => [attribute.AttributeName, attribute.AttributeType]),
  );
  const attribute = (name: string): dynamodb.Attribute => {
    const type = attributeTypes.get(name);
    if (type !== 'S')
      throw new Error(`attribute ${name} has type ${type}: only strings are keys in tableSchema`);
    return { name, type: dynamodb.AttributeType.STRING };
  };
  const table = new dynamodb.Table(scope, 'Table', {
    tableName: stage.prefix,
    partitionKey: attribute(tableSchema.partitionKey),
    sortKey: attribute(tableSchema.sortKey),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    stream: dynamodb.StreamViewType[tableSchema.stream],
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: tableSchema.ttlAttribute,
    deletionProtection: stage.isProtected,
    removalPolicy: stage.removalPolicy,
  });
  for (const index of definition.GlobalSecondaryIndexes) {
    const [partition, sort] = index.KeySchema;
    if (!partition || !sort || index.Projection.ProjectionType !== 'ALL')
      throw new Error(`index ${index.IndexName}: expected a partition and sort key, projecting ALL`);
    table.addGlobalSecondaryIndex({
      indexName: index.IndexName,
      partitionKey: attribute(partition.AttributeName),
      sortKey: attribute(sort.AttributeName),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  return table;
}
