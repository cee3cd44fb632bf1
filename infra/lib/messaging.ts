import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** A queue nobody consumes: where failed messages, records or events wait to be inspected. */
export interface DeadLetterQueue {
  /** What fails into it, for the alarm's description. */
  source: string;
  queue: sqs.Queue;
}

/**
 * SQS queues made one way: SQS-managed encryption, TLS required, and every consumed queue paired
 * with a dead-letter queue. Each dead-letter queue is recorded so that the monitoring construct
 * puts an alarm on it and the tests can prove none was missed.
 */
export class SluiceQueues extends Construct {
  readonly deadLetterQueues: DeadLetterQueue[] = [];
  readonly #prefix: string;

  constructor(scope: Construct, id: string, props: { prefix: string }) {
    super(scope, id);
    this.#prefix = props.prefix;
  }

  /**
   * A consumed queue with its DLQ.
   *
   * @example queues.withDeadLetterQueue('webhook-deliveries', { visibilityTimeout: Duration.seconds(360), maxReceiveCount: 18 })
   */
  withDeadLetterQueue(
    name: string,
    options: { visibilityTimeout: Duration; maxReceiveCount: number },
  ): sqs.Queue {
    const deadLetter = this.deadLetterQueue(`${name}-dlq`, `queue ${name}`);
    return new sqs.Queue(this, name, {
      queueName: `${this.#prefix}-${name}`,
      visibilityTimeout: options.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetter, maxReceiveCount: options.maxReceiveCount },
    });
  }

  /** A dead-letter queue (kept 14 days, the SQS maximum) for `source`. */
  deadLetterQueue(name: string, source: string): sqs.Queue {
    const queue = new sqs.Queue(this, name, {
      queueName: `${this.#prefix}-${name}`,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.deadLetterQueues.push({ source, queue });
    return queue;
  }
}
