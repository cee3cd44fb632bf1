import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  InvalidEventPatternError,
  matchesPattern,
  validatePattern,
  type EventPattern,
} from './event-pattern.ts';

/**
 * Every example of AWS's "Amazon EventBridge event patterns" pages (event patterns, null values
 * and empty strings, arrays, comparison operators, content filtering) and of Event Ruler's README,
 * each with an event it matches and one it does not.
 */
interface Example {
  behaviour: string;
  pattern: EventPattern;
  matches: object;
  misses: object;
}

/** The EC2 event the AWS pages use, with its `detail` replaced. */
function awsEvent(detail: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-10-02T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail,
    ...overrides,
  };
}

/** An event in the envelope our bus publishes. */
function envelope(overrides: Record<string, unknown> = {}) {
  return {
    id: 'evt_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
    type: 'transfer.created',
    source: 'sluice.ledger',
    time: '2026-01-01T00:00:00.000Z',
    subject: 'tr_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
    data: { amount: 1500, currency: 'USD' },
    ...overrides,
  };
}

const eventPatternsPage: Example[] = [
  {
    behaviour: 'matches EC2 instance-termination events on source, detail-type and detail.state',
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    matches: awsEvent({ 'instance-id': 'i-1234567890abcdef0', state: 'terminated' }),
    misses: awsEvent({ 'instance-id': 'i-1234567890abcdef0', state: 'running' }),
  },
  {
    behaviour: 'matches any of several values of a field',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    matches: awsEvent({}, { source: 'aws.fargate' }),
    misses: awsEvent({}, { source: 'aws.s3' }),
  },
  {
    behaviour: 'matches a null field together with source and detail-type',
    pattern: {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Successful'],
      detail: { responseElements: [null] },
    },
    matches: awsEvent(
      { eventVersion: '', responseElements: null },
      { source: 'aws.autoscaling', 'detail-type': 'EC2 Instance Launch Successful' },
    ),
    misses: awsEvent(
      { eventVersion: '', responseElements: { instanceId: 'i-1' } },
      { source: 'aws.autoscaling', 'detail-type': 'EC2 Instance Launch Successful' },
    ),
  },
  {
    behaviour: 'matches values in nested objects (Macie risk score and trigger risk)',
    pattern: {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    },
    matches: awsEvent(
      { 'risk-score': 80, tags: ['Custom_Alert', 'Insider'], trigger: { 'alert-type': 'basic', risk: 8 } },
      { source: 'aws.macie', 'detail-type': 'Macie Alert' },
    ),
    misses: awsEvent(
      { 'risk-score': 80, trigger: { 'alert-type': 'basic', risk: 7 } },
      { source: 'aws.macie', 'detail-type': 'Macie Alert' },
    ),
  },
  {
    behaviour: 'matches a Macie finding by severity score and count',
    pattern: {
      source: ['aws.macie'],
      'detail-type': ['Macie Finding'],
      detail: { severity: { score: [1] }, count: [2] },
    },
    matches: awsEvent(
      { severity: { score: 1, description: 'Low' }, count: 2 },
      { source: 'aws.macie', 'detail-type': 'Macie Finding' },
    ),
    misses: awsEvent(
      { severity: { score: 1, description: 'Low' }, count: 3 },
      { source: 'aws.macie', 'detail-type': 'Macie Finding' },
    ),
  },
];

const nullAndEmptyPage: Example[] = [
  {
    behaviour: 'matches an empty string with [""]',
    pattern: { detail: { eventVersion: [''] } },
    matches: awsEvent({ eventVersion: '', responseElements: null }),
    misses: awsEvent({ eventVersion: null, responseElements: null }),
  },
  {
    behaviour: 'matches null with [null], and not an empty string',
    pattern: { detail: { responseElements: [null] } },
    matches: awsEvent({ eventVersion: '', responseElements: null }),
    misses: awsEvent({ eventVersion: '', responseElements: '' }),
  },
];

const arraysPage: Example[] = [
  {
    behaviour: 'matches an array field when the pattern and event arrays intersect',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    matches: awsEvent(
      {},
      {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
    ),
    misses: awsEvent({}, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }),
  },
];

const comparisonOperatorsTable: Example[] = [
  {
    behaviour: 'And: Location is "New York" and Day is "Monday"',
    pattern: { Location: ['New York'], Day: ['Monday'] },
    matches: { Location: 'New York', Day: 'Monday' },
    misses: { Location: 'New York', Day: 'Tuesday' },
  },
  {
    behaviour: 'Anything-but: state is anything but "initializing"',
    pattern: { state: [{ 'anything-but': 'initializing' }] },
    matches: { state: 'running' },
    misses: { state: 'initializing' },
  },
  {
    behaviour: 'Anything-but (begins with): Region is not in the US',
    pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
    matches: { Region: 'eu-west-1' },
    misses: { Region: 'us-east-1' },
  },
  {
    behaviour: 'Anything-but (ends with): FileName does not end with .png',
    pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    matches: { FileName: 'photo.jpg' },
    misses: { FileName: 'photo.png' },
  },
  {
    behaviour: 'Anything-but (ignore case): state is not "initializing" in any casing',
    pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    matches: { state: 'running' },
    misses: { state: 'INITIALIZING' },
  },
  {
    behaviour: 'Anything-but using a wildcard: FilePath does not include /lib/',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    matches: { FilePath: '/usr/bin/node' },
    misses: { FilePath: '/usr/lib/node' },
  },
  {
    behaviour: 'Begins with: Region is in the US',
    pattern: { Region: [{ prefix: 'us-' }] },
    matches: { Region: 'us-east-1' },
    misses: { Region: 'eu-west-1' },
  },
  {
    behaviour: 'Begins with (ignore case): service starts with "eventb"',
    pattern: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
    matches: { service: 'EventBridge' },
    misses: { service: 'Lambda' },
  },
  {
    behaviour: 'Empty: LastName is empty',
    pattern: { LastName: [''] },
    matches: { LastName: '' },
    misses: { LastName: 'Doe' },
  },
  {
    behaviour: 'Equals: Name is "Alice"',
    pattern: { Name: ['Alice'] },
    matches: { Name: 'Alice' },
    misses: { Name: 'alice' },
  },
  {
    behaviour: 'Equals (ignore case): Name is "alice" in any casing',
    pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
    matches: { Name: 'ALICE' },
    misses: { Name: 'Alicia' },
  },
  {
    behaviour: 'Ends with: FileName ends with .png',
    pattern: { FileName: [{ suffix: '.png' }] },
    matches: { FileName: 'image.png' },
    misses: { FileName: 'image.PNG' },
  },
  {
    behaviour: 'Ends with (ignore case): service ends with "tbridge"',
    pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
    matches: { service: 'EVENTBRIDGE' },
    misses: { service: 'EventBus' },
  },
  {
    behaviour: 'Exists: ProductName exists',
    pattern: { ProductName: [{ exists: true }] },
    matches: { ProductName: 'Widget' },
    misses: { Price: 10 },
  },
  {
    behaviour: 'Does not exist: ProductName does not exist',
    pattern: { ProductName: [{ exists: false }] },
    matches: { Price: 10 },
    misses: { ProductName: 'Widget' },
  },
  {
    behaviour: 'Not: Weather is anything but "Raining"',
    pattern: { Weather: [{ 'anything-but': ['Raining'] }] },
    matches: { Weather: 'Sunny' },
    misses: { Weather: 'Raining' },
  },
  {
    behaviour: 'Null: UserID is null',
    pattern: { UserID: [null] },
    matches: { UserID: null },
    misses: { UserID: 'usr_1' },
  },
  {
    behaviour: 'Numeric (equals): Price is 100',
    pattern: { Price: [{ numeric: ['=', 100] }] },
    matches: { Price: 100 },
    misses: { Price: 101 },
  },
  {
    behaviour: 'Numeric (range): Price is more than 10 and at most 20',
    pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    matches: { Price: 20 },
    misses: { Price: 10 },
  },
  {
    behaviour: 'Or: PaymentType is "Credit" or "Debit"',
    pattern: { PaymentType: ['Credit', 'Debit'] },
    matches: { PaymentType: 'Debit' },
    misses: { PaymentType: 'Cash' },
  },
  {
    behaviour: 'Or ($or): Location is "New York", or Day is "Monday"',
    pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    matches: { Location: 'Boston', Day: 'Monday' },
    misses: { Location: 'Boston', Day: 'Tuesday' },
  },
  {
    behaviour: 'Wildcard: any .png file within the folder "dir"',
    pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
    matches: { FileName: 'dir/photo.png' },
    misses: { FileName: 'other/photo.png' },
  },
];

const contentFilteringPage: Example[] = [
  {
    behaviour: 'prefix: matches a time starting with 2017-10-02',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    matches: awsEvent({}, { time: '2017-10-02T18:43:48Z' }),
    misses: awsEvent({}, { time: '2017-10-03T18:43:48Z' }),
  },
  {
    behaviour: 'prefix: matches Auto Scaling events from European regions',
    pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
    matches: awsEvent({}, { source: 'aws.autoscaling', region: 'eu-west-1' }),
    misses: awsEvent({}, { source: 'aws.autoscaling', region: 'us-east-1' }),
  },
  {
    behaviour: 'prefix with equals-ignore-case: matches a service starting with EventB in any casing',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    matches: awsEvent({ service: 'eventbridge' }),
    misses: awsEvent({ service: 'Events' }),
  },
  {
    behaviour: 'suffix: matches a FileName ending with .png',
    pattern: { FileName: [{ suffix: '.png' }] },
    matches: { FileName: 'dir/image.png' },
    misses: { FileName: 'dir/image.png.bak' },
  },
  {
    behaviour: 'suffix with equals-ignore-case: matches .png and .PNG',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    matches: awsEvent({ FileName: 'IMAGE.PNG' }),
    misses: awsEvent({ FileName: 'image.jpg' }),
  },
  {
    behaviour: 'anything-but a string',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    matches: awsEvent({ state: 'running' }),
    misses: awsEvent({ state: 'initializing' }),
  },
  {
    behaviour: 'anything-but a number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    matches: awsEvent({ 'x-limit': 124 }),
    misses: awsEvent({ 'x-limit': 123 }),
  },
  {
    behaviour: 'anything-but a list of strings',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    matches: awsEvent({ state: 'running' }),
    misses: awsEvent({ state: 'overloaded' }),
  },
  {
    behaviour: 'anything-but a list of numbers',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    matches: awsEvent({ 'x-limit': 301.8 }),
    misses: awsEvent({ 'x-limit': 200 }),
  },
  {
    behaviour: 'anything-but a prefix',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    matches: awsEvent({ state: 'running' }),
    misses: awsEvent({ state: 'initializing' }),
  },
  {
    behaviour: 'anything-but a suffix',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
    matches: awsEvent({ FileName: 'notes.md' }),
    misses: awsEvent({ FileName: 'notes.txt' }),
  },
  {
    behaviour: 'anything-but equals-ignore-case with one string',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    matches: awsEvent({ state: 'pending' }),
    misses: awsEvent({ state: 'Initializing' }),
  },
  {
    behaviour: 'anything-but equals-ignore-case with a list',
    pattern: {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
    },
    matches: awsEvent({ state: 'running' }),
    misses: awsEvent({ state: 'STOPPED' }),
  },
  {
    behaviour: 'anything-but a wildcard',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    matches: awsEvent({ FilePath: '/usr/bin/node' }),
    misses: awsEvent({ FilePath: '/usr/lib/libc.so' }),
  },
  {
    behaviour: 'anything-but a list of wildcards',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
    matches: awsEvent({ FilePath: '/home/me/notes.md' }),
    misses: awsEvent({ FilePath: '/usr/bin/node' }),
  },
  {
    behaviour: 'numeric: all numeric fields must match',
    pattern: {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    matches: awsEvent({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }),
    misses: awsEvent({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }),
  },
  {
    behaviour: 'cidr: matches an IPv4 address inside 10.0.0.0/24',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    matches: awsEvent({ sourceIPAddress: '10.0.0.255' }),
    misses: awsEvent({ sourceIPAddress: '10.0.1.0' }),
  },
  {
    behaviour: 'cidr: matches an IPv6 address inside its block',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/64' }] } },
    matches: awsEvent({ sourceIPAddress: '2001:db8::1' }),
    misses: awsEvent({ sourceIPAddress: '2001:db9::1' }),
  },
  {
    behaviour: 'exists true: matches an event with detail.state',
    pattern: { detail: { state: [{ exists: true }] } },
    matches: awsEvent({ 'instance-id': 'i-abcd1111', state: 'pending' }),
    misses: {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { 'c-count': { c1: 100 } },
    },
  },
  {
    behaviour: 'exists false: matches an event without detail.c-count',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    matches: awsEvent({ state: 'running' }),
    misses: awsEvent({ state: 'running', 'c-count': 5 }),
  },
  {
    behaviour: 'exists false: an object is not a leaf, so it counts as absent',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    matches: awsEvent({ state: 'running', 'c-count': { c1: 100 } }),
    misses: awsEvent({ state: 'running', 'c-count': 0 }),
  },
  {
    behaviour: 'equals-ignore-case: matches detail-type in any casing',
    pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    matches: awsEvent({}, { 'detail-type': 'EC2 Instance State-change Notification' }),
    misses: awsEvent({}, { 'detail-type': 'EC2 Instance Launch Successful' }),
  },
  {
    behaviour: 'wildcard: matches an event bus ARN in any account',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    matches: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/payments' },
    misses: { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/payments' },
  },
  {
    behaviour: 'wildcard: an escaped star is a literal star',
    pattern: { name: [{ wildcard: 'a\\*b*' }] },
    matches: { name: 'a*bc' },
    misses: { name: 'axbc' },
  },
  {
    behaviour: '$or: any of the numeric conditions',
    pattern: {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    },
    matches: awsEvent({ 'c-count': 50, 'd-count': 50, 'x-limit': 301.8 }),
    misses: awsEvent({ 'c-count': 50, 'd-count': 50, 'x-limit': 300 }),
  },
  {
    behaviour: '$or: source and (metricName or namespace)',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    matches: { source: 'aws.cloudwatch', metricName: 'DiskIO', namespace: 'AWS/ES' },
    misses: { source: 'aws.ec2', metricName: 'CPUUtilization', namespace: 'AWS/EC2' },
  },
  {
    behaviour: '$or: two $or at different levels must both hold',
    pattern: {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    matches: { metricName: 'ReadLatency', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
    misses: { metricName: 'ReadLatency', detail: { source: 'aws.ec2' } },
  },
  {
    behaviour: '$or: a branch may need several fields at once',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
        { scope: ['Service'] },
      ],
    },
    matches: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' },
    misses: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/RDS' },
  },
  {
    behaviour: '$or: nested inside a branch',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ['Service'] },
      ],
    },
    matches: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1000 },
    misses: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1001 },
  },
  {
    behaviour: 'combines prefix, anything-but and numeric in one pattern',
    pattern: {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    },
    matches: awsEvent({
      'c-count': 5,
      'd-count': 3,
      'x-limit': 301.8,
      'source-ip': '10.0.0.33',
      state: 'running',
    }),
    misses: awsEvent({
      'c-count': 5,
      'd-count': 3,
      'x-limit': 300,
      'source-ip': '10.0.0.33',
      state: 'running',
    }),
  },
];

const eventRulerReadme: Example[] = [
  {
    behaviour: 'matches several fields, one of them against an array in the event',
    pattern: {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
      detail: { state: ['initializing', 'running'] },
    },
    matches: awsEvent({ state: 'running' }),
    misses: awsEvent({ state: 'stopped' }),
  },
  {
    behaviour: 'suffix on source',
    pattern: { source: [{ suffix: 'ec2' }] },
    matches: awsEvent(),
    misses: awsEvent({}, { source: 'aws.s3' }),
  },
  {
    behaviour: 'equals-ignore-case on source',
    pattern: { source: [{ 'equals-ignore-case': 'AWS.EC2' }] },
    matches: awsEvent(),
    misses: awsEvent({}, { source: 'aws.ec2x' }),
  },
  {
    behaviour: 'wildcard in the middle of a value',
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    matches: { source: 'SimpleQueueService' },
    misses: { source: 'SimpleQueue' },
  },
  {
    behaviour: 'a nested pattern matches objects inside an event array',
    pattern: { employees: { firstName: ['Anna'] } },
    matches: {
      employees: [
        [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
        ],
        [{ firstName: 'Peter', lastName: 'Jones' }],
      ],
    },
    misses: { employees: [{ firstName: 'John', lastName: 'Doe' }] },
  },
  {
    behaviour: 'fields of a nested pattern must match within the same array element',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    matches: {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Jones' },
      ],
    },
    misses: {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    },
  },
];

const envelopePatterns: Example[] = [
  {
    behaviour: 'routes one event type',
    pattern: { type: ['transfer.created'] },
    matches: envelope(),
    misses: envelope({ type: 'transfer.posted' }),
  },
  {
    behaviour: 'routes a family of types filtered on the data',
    pattern: { type: [{ prefix: 'payment.' }], data: { currency: ['USD'] } },
    matches: envelope({ type: 'payment.captured', data: { amount: 500, currency: 'USD' } }),
    misses: envelope({ type: 'payment.captured', data: { amount: 500, currency: 'EUR' } }),
  },
  {
    behaviour: 'filters on an amount range in minor units',
    pattern: { type: ['transfer.created'], data: { amount: [{ numeric: ['>=', 100_000] }] } },
    matches: envelope({ data: { amount: 100_000, currency: 'USD' } }),
    misses: envelope({ data: { amount: 99_999, currency: 'USD' } }),
  },
  {
    behaviour: 'matches a user in the audience list',
    pattern: { audience: ['usr_alice'] },
    matches: envelope({ audience: ['usr_bob', 'usr_alice'] }),
    misses: envelope({ audience: ['usr_bob'] }),
  },
];

describe('matchesPattern', () => {
  const groups = {
    eventPatternsPage,
    nullAndEmptyPage,
    arraysPage,
    comparisonOperatorsTable,
    contentFilteringPage,
    eventRulerReadme,
    envelopePatterns,
  };
  for (const [group, examples] of Object.entries(groups)) {
    describe(group, () => {
      it.each(examples)('$behaviour', ({ pattern, matches, misses }) => {
        expect(matchesPattern(pattern, matches)).toBe(true);
        expect(matchesPattern(pattern, misses)).toBe(false);
      });
    });
  }

  it('uses the last of duplicate keys in a JSON pattern, as EventBridge does', () => {
    const pattern = JSON.parse(
      '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}',
    ) as EventPattern;
    expect(matchesPattern(pattern, { detail: { location: 'eu-west' } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { location: 'us-east' } })).toBe(false);
  });

  it('does not treat a number and its string spelling as equal', () => {
    expect(matchesPattern({ code: [300] }, { code: '300' })).toBe(false);
    expect(matchesPattern({ code: ['300'] }, { code: 300 })).toBe(false);
    expect(matchesPattern({ code: [300] }, { code: 300.0 })).toBe(true);
  });

  it('matches booleans exactly', () => {
    expect(matchesPattern({ livemode: [false] }, { livemode: false })).toBe(true);
    expect(matchesPattern({ livemode: [false] }, { livemode: 'false' })).toBe(false);
  });

  it('never matches a missing field with anything-but', () => {
    expect(matchesPattern({ state: [{ 'anything-but': 'initializing' }] }, {})).toBe(false);
    expect(matchesPattern({ state: [{ 'anything-but': { prefix: 'init' } }] }, { state: [] })).toBe(false);
  });

  it('lets anything-but match values of another type', () => {
    expect(matchesPattern({ state: [{ 'anything-but': 'initializing' }] }, { state: 5 })).toBe(true);
    expect(matchesPattern({ state: [{ 'anything-but': { prefix: 'init' } }] }, { state: null })).toBe(true);
  });

  it('applies string operators to strings only and numeric to numbers only', () => {
    expect(matchesPattern({ code: [{ prefix: '30' }] }, { code: 300 })).toBe(false);
    expect(matchesPattern({ code: [{ numeric: ['>', 0] }] }, { code: '300' })).toBe(false);
    expect(matchesPattern({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 167772161 })).toBe(false);
  });

  it('treats a missing parent object as a missing leaf', () => {
    expect(matchesPattern({ data: { refund: [{ exists: false }] } }, { type: 'x' })).toBe(true);
    expect(matchesPattern({ data: { refund: [{ exists: true }] } }, { type: 'x' })).toBe(false);
  });

  it('does not count an empty array as present', () => {
    expect(matchesPattern({ tags: [{ exists: true }] }, { tags: [] })).toBe(false);
    expect(matchesPattern({ tags: [{ exists: false }] }, { tags: [] })).toBe(true);
  });

  it('does not read inherited properties of the event', () => {
    expect(matchesPattern({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matchesPattern({ toString: [{ exists: false }] }, {})).toBe(true);
  });

  it('matches an exact IP with a /32 or bare address', () => {
    expect(matchesPattern({ ip: [{ cidr: '192.168.1.7' }] }, { ip: '192.168.1.7' })).toBe(true);
    expect(matchesPattern({ ip: [{ cidr: '192.168.1.7/32' }] }, { ip: '192.168.1.8' })).toBe(false);
  });

  it('escapes regular-expression characters in wildcards', () => {
    expect(matchesPattern({ file: [{ wildcard: '*.png' }] }, { file: 'a.png' })).toBe(true);
    expect(matchesPattern({ file: [{ wildcard: '*.png' }] }, { file: 'apng' })).toBe(false);
    expect(matchesPattern({ file: [{ wildcard: '(a|b)\\\\*' }] }, { file: '(a|b)\\x' })).toBe(true);
  });

  it('compiles once and matches many events', () => {
    const isUsdPayment = compilePattern({ type: [{ prefix: 'payment.' }], data: { currency: ['USD'] } });
    expect(
      [
        envelope({ type: 'payment.captured' }),
        envelope(),
        envelope({ type: 'payment.failed', data: { currency: 'GBP' } }),
      ].map(isUsdPayment),
    ).toEqual([true, false, false]);
  });
});

describe('validatePattern', () => {
  const valid: EventPattern[] = [
    ...Object.values({ eventPatternsPage, contentFilteringPage, comparisonOperatorsTable })
      .flat()
      .map((e) => e.pattern),
  ];

  it('accepts every documented example', () => {
    for (const pattern of valid) expect(() => validatePattern(pattern)).not.toThrow();
  });

  const invalid: Array<[string, unknown]> = [
    ['a pattern that is not an object', ['type']],
    ['an empty pattern', {}],
    ['an empty nested object', { data: {} }],
    ['an empty value array', { type: [] }],
    ['a bare value instead of an array', { type: 'transfer.created' }],
    ['a nested array of values', { type: [['a']] }],
    ['an unknown operator', { type: [{ contains: 'x' }] }],
    ['two operators in one object', { type: [{ prefix: 'a', suffix: 'b' }] }],
    ['a prefix that is not a string', { type: [{ prefix: 5 }] }],
    ['a prefix object other than equals-ignore-case', { type: [{ prefix: { wildcard: 'a*' } }] }],
    ['exists that is not a boolean', { type: [{ exists: 'yes' }] }],
    ['numeric without a number', { n: [{ numeric: ['>', '5'] }] }],
    ['numeric with an unknown operator', { n: [{ numeric: ['!=', 5] }] }],
    ['numeric with an upper bound first', { n: [{ numeric: ['<', 10, '>', 0] }] }],
    ['numeric with = and another bound', { n: [{ numeric: ['=', 1, '<', 5] }] }],
    ['numeric with an empty range', { n: [{ numeric: ['>', 5, '<', 5] }] }],
    ['numeric with too many terms', { n: [{ numeric: ['>', 0, '<', 5, '<', 6] }] }],
    ['numeric beyond the supported range', { n: [{ numeric: ['>', 6e9] }] }],
    ['anything-but with mixed types', { s: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but null', { s: [{ 'anything-but': null }] }],
    ['anything-but with an empty list', { s: [{ 'anything-but': [] }] }],
    ['anything-but with an empty prefix', { s: [{ 'anything-but': { prefix: '' } }] }],
    ['anything-but with numeric', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }],
    [
      'anything-but equals-ignore-case with a number',
      { s: [{ 'anything-but': { 'equals-ignore-case': [1] } }] },
    ],
    ['a wildcard with consecutive stars', { s: [{ wildcard: 'a**b' }] }],
    ['a wildcard with a stray escape', { s: [{ wildcard: 'a\\b' }] }],
    ['a malformed cidr', { ip: [{ cidr: '10.0.0.0/33' }] }],
    ['a cidr that is not an address', { ip: [{ cidr: 'example.com/8' }] }],
    ['$or with one branch', { $or: [{ a: ['1'] }] }],
    ['$or that is not an array', { $or: { a: ['1'] } }],
    ['$or with a value instead of an object', { $or: [{ a: ['1'] }, 'b'] }],
    ['an operator name used as a field inside $or', { $or: [{ numeric: [1] }, { prefix: ['abc'] }] }],
    ['a non-finite number', { n: [Number.POSITIVE_INFINITY] }],
  ];

  it.each(invalid)('refuses %s', (_name, pattern) => {
    expect(() => validatePattern(pattern)).toThrow(InvalidEventPatternError);
  });

  it('names the offending path', () => {
    expect(() => validatePattern({ data: { amount: [{ numeric: ['>', 'x'] }] } })).toThrow(
      /at data\.amount\[0\]\.numeric/,
    );
  });
});
