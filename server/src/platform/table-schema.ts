/**
 * The one table definition. The DynamoDB adapter, the DynamoDB Local test setup and the CDK app
 * all read it, and the SQLite adapter mirrors it, so the key layout cannot drift between them.
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
  /** Items with this attribute (Unix seconds) are deleted by DynamoDB TTL after that time. */
  ttlAttribute: 'expires_at',
  stream: 'NEW_AND_OLD_IMAGES',
} as const;

export type IndexName = (typeof tableSchema.indexes)[number]['name'];

/** DynamoDB CreateTable input (without TableName), shared by tests and the CDK app. */
export function dynamoKeySchemaDefinition() {
  const attributes = new Set<string>([tableSchema.partitionKey, tableSchema.sortKey]);
  for (const index of tableSchema.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    AttributeDefinitions: [...attributes].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: tableSchema.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    BillingMode: 'PAY_PER_REQUEST' as const,
  };
}
