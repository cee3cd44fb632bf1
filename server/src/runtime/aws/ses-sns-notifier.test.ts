import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  SendEmailCommand,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import {
  InvalidParameterException,
  PublishCommand,
  SNSClient,
  type PublishCommandInput,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startSesLocal,
  sesLocalClientConfig,
  type SesLocal,
  type SesLocalEmail,
} from '../../../../test/ses-local.ts';
import { AppError } from '../../kernel/errors.ts';
import { runNotifierContract, type DeliveredMessage } from '../../platform/notifier-contract.ts';
import { SesSnsNotifier } from './ses-sns-notifier.ts';

// Email goes to a local SES v2: aws-ses-v2-local (npm, pure Node, in-memory), started for this
// file by test/ses-local.ts. The SDK's SESv2Client sends it real SendEmail requests and the
// contract reads back what it accepted.
//
// What stays mocked, and why:
// - SNS, entirely: there is no local SNS server on npm that can take an SMS Publish, so SNSClient
//   is mocked (aws-sdk-client-mock) to answer like SNS: a MessageId per accepted message,
//   InvalidParameterException for a number that is not E.164.
// - SES refusals and throttling: aws-ses-v2-local checks no address, identity or quota, and its
//   errors carry no error type (the SDK names them "Unknown"), so SES's BadRequestException and
//   TooManyRequestsException come from a mock on one SESv2Client instance.
// - The request's Charset and ConfigurationSetName: the local SES keeps neither, so that one
//   test inspects the request a mocked client received.

const clientConfig = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const from = 'Sluice <no-reply@sluice.example>';
const sns = mockClient(SNSClient);
let ses: SesLocal;

beforeAll(async () => {
  ses = await startSesLocal();
});
afterAll(async () => {
  sns.restore();
  await ses?.stop();
});
afterEach(() => {
  sns.reset();
});

/** Makes the mocked SNS accept E.164 numbers; returns the text messages it accepted. */
function fakeSns(): DeliveredMessage[] {
  const delivered: DeliveredMessage[] = [];
  sns.reset();
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

function toDelivered(email: SesLocalEmail): DeliveredMessage {
  return {
    channel: 'email',
    id: email.messageId,
    to: email.destination.to.join(', '),
    subject: email.subject,
    text: email.body.text ?? '',
    ...(email.body.html !== undefined && { html: email.body.html }),
  };
}

const makeNotifier = (
  options: { ses?: SESv2Client; configurationSetName?: string; smsSenderId?: string } = {},
) =>
  new SesSnsNotifier({
    ses: new SESv2Client({ ...sesLocalClientConfig, endpoint: ses.endpoint }),
    sns: new SNSClient(clientConfig),
    from,
    ...options,
  });

/** An SESv2Client whose `send` is mocked, for what the local SES cannot show. */
function mockedSes() {
  const client = new SESv2Client(clientConfig);
  return { client, stub: mockClient(client) };
}

// Emails (from the local SES) come before text messages (from the SNS mock): the two are kept
// apart, and the contract compares no order across channels.
runNotifierContract('SesSnsNotifier (local SES v2: aws-ses-v2-local; SNS mocked)', async () => {
  await ses.clear();
  const texts = fakeSns();
  return {
    notifier: makeNotifier(),
    delivered: async () => [...(await ses.emails()).map(toDelivered), ...texts],
  };
});

describe('SesSnsNotifier', () => {
  it('sends from the configured sender, with the subject and bodies intact in UTF-8', async () => {
    await ses.clear();
    const { id } = await makeNotifier().sendEmail({
      to: 'ann@example.com',
      subject: 'Reçu',
      text: 'Payé',
      html: '<p>Payé</p>',
    });
    expect(await ses.emails()).toEqual([
      expect.objectContaining({
        messageId: id,
        from,
        destination: { to: ['ann@example.com'], cc: [], bcc: [] },
        subject: 'Reçu',
        body: { text: 'Payé', html: '<p>Payé</p>' },
      }),
    ]);
  });

  it('names UTF-8 and the configuration set in the SendEmail request (mocked: the local SES keeps neither)', async () => {
    const { client, stub } = mockedSes();
    stub.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    await makeNotifier({ ses: client, configurationSetName: 'sluice-events' }).sendEmail({
      to: 'ann@example.com',
      subject: 'Reçu',
      text: 'Payé',
      html: '<p>Payé</p>',
    });
    expect(stub.commandCalls(SendEmailCommand)[0]!.args[0].input).toEqual({
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
    fakeSns();
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
    const { client, stub } = mockedSes();
    const refusal = new BadRequestException({ message: 'Illegal address', $metadata: {} });
    stub.on(SendEmailCommand).rejects(refusal);
    const error = await makeNotifier({ ses: client })
      .sendEmail({ to: 'ann@example.com', subject: 'Hi', text: 'Your code is 424242' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'invalid_request', param: 'to', cause: refusal });
    expect((error as Error).message).not.toContain('424242');
  });

  it('turns SES throttling into service_unavailable, so a queue consumer retries', async () => {
    const { client, stub } = mockedSes();
    stub
      .on(SendEmailCommand)
      .rejects(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} }));
    await expect(
      makeNotifier({ ses: client }).sendEmail({ to: 'ann@example.com', subject: 'Hi', text: 'Hello' }),
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
    const { client, stub } = mockedSes();
    const denied = Object.assign(new Error('not authorized to perform ses:SendEmail'), {
      name: 'AccessDeniedException',
    });
    stub.on(SendEmailCommand).rejects(denied);
    await expect(
      makeNotifier({ ses: client }).sendEmail({ to: 'ann@example.com', subject: 'Hi', text: 'Hello' }),
    ).rejects.toBe(denied);
  });
});
