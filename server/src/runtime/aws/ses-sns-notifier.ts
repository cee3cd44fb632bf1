import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { AppError } from '../../kernel/errors.ts';
import {
  parseEmail,
  parseSms,
  type EmailMessage,
  type Notifier,
  type SentMessage,
  type SmsMessage,
} from '../../platform/notifier.ts';

export interface SesSnsNotifierOptions {
  ses: SESv2Client;
  sns: SNSClient;
  /** The verified SES identity mail is sent from, e.g. `Sluice <no-reply@example.com>`. */
  from: string;
  /** An SES configuration set (bounce and complaint events, dedicated IPs). */
  configurationSetName?: string;
  /** Alphanumeric sender id, where the destination country supports one. */
  smsSenderId?: string;
}

/**
 * The Notifier port on AWS: email through SES v2 `SendEmail` from the configured sender, text
 * messages through SNS `Publish` to a phone number, marked `Transactional` so SNS routes them for
 * reliability (sign-in codes, receipts) rather than cost.
 *
 * SDK errors become AppErrors here: a recipient SES or SNS refuses → `invalid_request` (param
 * `to`); throttling, a paused or suspended account → `service_unavailable`, so a queue consumer
 * retries; anything else (a misconfigured sender, missing permission) is rethrown unchanged, a
 * 500 the operator must fix. No error or log carries the message body.
 *
 * @example
 * const notifier = new SesSnsNotifier({ ses: new SESv2Client({}), sns: new SNSClient({}), from: 'Sluice <no-reply@example.com>' });
 * await notifier.sendEmail({ to: 'ann@example.com', subject: 'Welcome', text: 'Hello Ann' });
 */
export class SesSnsNotifier implements Notifier {
  readonly #options: SesSnsNotifierOptions;

  constructor(options: SesSnsNotifierOptions) {
    this.#options = options;
  }

  async sendEmail(message: EmailMessage): Promise<SentMessage> {
    const { to, subject, text, html } = parseEmail(message);
    const content = (data: string) => ({ Data: data, Charset: 'UTF-8' });
    const command = new SendEmailCommand({
      FromEmailAddress: this.#options.from,
      Destination: { ToAddresses: [to] },
      Content: {
        Simple: {
          Subject: content(subject),
          Body: { Text: content(text), ...(html !== undefined && { Html: content(html) }) },
        },
      },
      ...(this.#options.configurationSetName !== undefined && {
        ConfigurationSetName: this.#options.configurationSetName,
      }),
    });
    let output;
    try {
      output = await this.#options.ses.send(command);
    } catch (error) {
      throw translate(error, 'email');
    }
    if (!output.MessageId) throw new Error('SES SendEmail answered without a MessageId');
    return { id: output.MessageId };
  }

  async sendSms(message: SmsMessage): Promise<SentMessage> {
    const { to, text } = parseSms(message);
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    const command = new PublishCommand({
      PhoneNumber: to,
      Message: text,
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': attribute('Transactional'),
        ...(this.#options.smsSenderId !== undefined && {
          'AWS.SNS.SMS.SenderID': attribute(this.#options.smsSenderId),
        }),
      },
    });
    let output;
    try {
      output = await this.#options.sns.send(command);
    } catch (error) {
      throw translate(error, 'sms');
    }
    if (!output.MessageId) throw new Error('SNS Publish answered without a MessageId');
    return { id: output.MessageId };
  }
}

/** SDK error names (stable across SDK versions; matching names avoids importing every class). */
const refusedRecipient = new Set([
  'BadRequestException',
  'MessageRejected',
  'InvalidParameterException',
  'InvalidParameterValueException',
  'OptedOutException',
]);
const unavailable = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'SendingPausedException',
  'AccountSuspendedException',
  'ThrottledException',
  'ThrottlingException',
]);

function translate(error: unknown, channel: 'email' | 'sms'): unknown {
  const name = error instanceof Error ? error.name : '';
  const what = channel === 'email' ? 'email' : 'text message';
  // The service's own message can quote the address but never the body; it is kept only as `cause`.
  if (refusedRecipient.has(name))
    return new AppError(
      'invalid_request',
      `the ${what} service refused this recipient or message (${name})`,
      { param: 'to', cause: error },
    );
  if (unavailable.has(name))
    return new AppError(
      'service_unavailable',
      `the ${what} service is unavailable, try again later (${name})`,
      { cause: error },
    );
  return error;
}
