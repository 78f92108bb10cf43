import type { JsMsg } from '@nats-io/jetstream';
import { BaseRpcContext } from '@nestjs/microservices';
import type { EventMetadata } from '../jetstream/event-headers.js';

type JetStreamContextArgs = [message: JsMsg, metadata: EventMetadata, consumer: string, deliveryCount: number];

/** What an `@EventPattern` handler gets as `@Ctx()`: the message, its event metadata, the consumer. */
export class JetStreamContext extends BaseRpcContext<JetStreamContextArgs> {
  getMessage(): JsMsg {
    return this.args[0];
  }

  getMetadata(): EventMetadata {
    return this.args[1];
  }

  getEventId(): string {
    return this.args[1].eventId;
  }

  /** The durable consumer's name: the key under which the inbox records handled events. */
  getConsumer(): string {
    return this.args[2];
  }

  getSubject(): string {
    return this.args[0].subject;
  }

  /** 1 on the first delivery. */
  getDeliveryCount(): number {
    return this.args[3];
  }
}
