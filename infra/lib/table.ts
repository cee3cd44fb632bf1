import type { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { dynamoKeySchemaDefinition, tableSchema } from '../../server/src/platform/table-schema.ts';
import type { StageConfig } from './stage.ts';

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
