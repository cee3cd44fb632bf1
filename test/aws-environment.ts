import { awsEnvironment } from '../server/src/runtime/aws/functions.ts';

/**
 * What a deployed Sluice function finds in its environment, with made-up values: enough to
 * build the AWS platform offline (nothing is called until a handler runs). For the bundle
 * tests and the cold-start bench.
 *
 * @example Object.assign(process.env, fakeFunctionEnvironment('test'));
 */
export function fakeFunctionEnvironment(stage: string): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake',
    [awsEnvironment.stage]: stage,
    [awsEnvironment.tableName]: `sluice-${stage}`,
    [awsEnvironment.eventBusName]: `sluice-${stage}`,
    [awsEnvironment.queueUrls]: JSON.stringify({
      'webhook-deliveries': `https://sqs.us-east-1.amazonaws.com/000000000000/sluice-${stage}-webhook-deliveries`,
    }),
    [awsEnvironment.websocketEndpoint]: `https://ws0123.execute-api.us-east-1.amazonaws.com/${stage}`,
    [awsEnvironment.userPoolId]: 'us-east-1_Fake01234',
    [awsEnvironment.userPoolClientId]: 'fakeclientid0123456789',
    [awsEnvironment.stateMachineArns]: JSON.stringify({
      settlement: `arn:aws:states:us-east-1:000000000000:stateMachine:sluice-${stage}-settlement`,
    }),
    [awsEnvironment.adminEmails]: 'ops@example.com',
  };
}
