import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  SendEmailCommand,
  SESv2Client,
  TooManyRequestsException,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import {
  InvalidParameterException,
  PublishCommand,
  SNSClient,
  type PublishCommandInput,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors.ts';
import { runNotifierContract, type DeliveredMessage } from '../../platform/notifier-contract.ts';
import { SesSnsNotifier } from './ses-sns-notifier.ts';

// SES and SNS cannot run here (there is no local emulator in this project), so the clients are
// mocked with aws-sdk-client-mock and made to answer like the services: a MessageId per accepted
// message, SES's BadRequestException for a destination it cannot parse, SNS's
// InvalidParameterException for a phone number that is not E.164.
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const clientConfig = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const from = 'Sluice <no-reply@sluice.example>';

function fakeServices(): DeliveredMessage[] {
  const delivered: DeliveredMessage[] = [];
  ses.reset();
  sns.reset();
  ses.on(SendEmailCommand).callsFake(async (input: SendEmailCommandInput) => {
    const to = input.Destination?.ToAddresses ?? [];
    if (!input.FromEmailAddress || to.length !== 1 || !to[0]!.includes('@')) {
      throw new BadRequestException({ message: 'Missing final @domain', $metadata: {} });
    }
    const simple = input.Content?.Simple;
    const id = `0100019a${randomUUID().replaceAll('-', '')}-000000`;
    delivered.push({
      channel: 'email',
      id,
      to: to[0]!,
      subject: simple?.Subject?.Data ?? '',
      text: simple?.Body?.Text?.Data ?? '',
      ...(simple?.Body?.Html && { html: simple.Body.Html.Data ?? '' }),
    });
    return { MessageId: id };
  });
  sns.on(PublishCommand).callsFake(async (input: PublishCommandInput) => {
    if (!input.PhoneNumber || !/^\+[1-9]\d{1,14}$/.test(input.PhoneNumber)) {
      throw new InvalidParameterException({
        message: 'Invalid parameter: PhoneNumber Reason: +1 is not valid to publish to',
        $metadata: {},
      });
    }
    const id = randomUUID();
    delivered.push({ channel: 'sms', id, to: input.PhoneNumber, text: input.Message ?? '' });
    return { MessageId: id };
  });
  return delivered;
}

const makeNotifier = (options: { configurationSetName?: string; smsSenderId?: string } = {}) =>
  new SesSnsNotifier({
    ses: new SESv2Client(clientConfig),
    sns: new SNSClient(clientConfig),
    from,
    ...options,
  });

afterEach(() => {
  ses.reset();
  sns.reset();
});

runNotifierContract('SesSnsNotifier (mocked SES v2 and SNS)', async () => {
  const delivered = fakeServices();
  return { notifier: makeNotifier(), delivered: async () => [...delivered] };
});

describe('SesSnsNotifier', () => {
  it('sends from the configured sender, in UTF-8, through the configuration set', async () => {
    fakeServices();
    await makeNotifier({ configurationSetName: 'sluice-events' }).sendEmail({
      to: 'ann@example.com',
      subject: 'Reçu',
      text: 'Payé',
      html: '<p>Payé</p>',
    });
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toEqual({
      FromEmailAddress: from,
      Destination: { ToAddresses: ['ann@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Reçu', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Payé', Charset: 'UTF-8' }, Html: { Data: '<p>Payé</p>', Charset: 'UTF-8' } },
        },
      },
      ConfigurationSetName: 'sluice-events',
    });
  });

  it('publishes text messages to the phone number as transactional SMS, with the sender id when set', async () => {
    fakeServices();
    await makeNotifier({ smsSenderId: 'Sluice' }).sendSms({ to: '+447700900123', text: 'Code 123456' });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      PhoneNumber: '+447700900123',
      Message: 'Code 123456',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'Sluice' },
      },
    });
  });

  it('turns a recipient SES refuses into invalid_request on "to", keeping the SDK error as the cause', async () => {
    ses.reset();
    const refusal = new BadRequestException({ message: 'Illegal address', $metadata: {} });
    ses.on(SendEmailCommand).rejects(refusal);
    const error = await makeNotifier()
      .sendEmail({ to: 'ann@example.com', subject: 'Hi', text: 'Your code is 424242' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'invalid_request', param: 'to', cause: refusal });
    expect((error as Error).message).not.toContain('424242');
  });

  it('turns SES throttling into service_unavailable, so a queue consumer retries', async () => {
    ses.reset();
    ses
      .on(SendEmailCommand)
      .rejects(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} }));
    await expect(
      makeNotifier().sendEmail({ to: 'ann@example.com', subject: 'Hi', text: 'Hello' }),
    ).rejects.toMatchObject({ code: 'service_unavailable' });
  });

  it('turns a number SNS refuses into invalid_request on "to"', async () => {
    sns.reset();
    sns
      .on(PublishCommand)
      .rejects(new InvalidParameterException({ message: 'Invalid parameter: PhoneNumber', $metadata: {} }));
    await expect(makeNotifier().sendSms({ to: '+999999999999', text: 'Hi' })).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'to',
    });
  });

  it('rethrows errors it cannot attribute to the caller, such as a missing permission', async () => {
    ses.reset();
    const denied = Object.assign(new Error('not authorized to perform ses:SendEmail'), {
      name: 'AccessDeniedException',
    });
    ses.on(SendEmailCommand).rejects(denied);
    await expect(
      makeNotifier().sendEmail({ to: 'ann@example.com', subject: 'Hi', text: 'Hello' }),
    ).rejects.toBe(denied);
  });
});
