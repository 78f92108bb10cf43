import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventPayload } from '@offramp/contracts';
import { IdempotentConsumer, JetStreamContext, JetStreamEvent, MessengerMessageRunner } from '@offramp/messaging';
import type { EntityManager } from 'typeorm';

/** App\MessageHandler\UnknownUser: the same class and message as the PHP handler's, so messenger:failed:show reads alike. */
export class UnknownUserError extends Error {
  readonly phpClass = 'App\\MessageHandler\\UnknownUser';
  readonly code = 0;
  constructor(userId: number) {
    super(`SendWelcomeEmail: user ${userId} does not exist.`);
    this.name = 'UnknownUserError';
  }
}

/**
 * App\Message\SendWelcomeEmail, handled in Node as App\MessageHandler\SendWelcomeEmailHandler does
 * it: the welcome mail written to sent_emails (the app's mail outbox), in the inbox's transaction,
 * so a redelivered message writes it once; an unknown user fails, is retried, then goes to the
 * Symfony app's failure transport.
 */
@Controller()
export class SendWelcomeEmailHandler {
  constructor(
    private readonly once: IdempotentConsumer,
    private readonly messages: MessengerMessageRunner,
  ) {}

  @JetStreamEvent('shop.jobs.send-welcome-email.v1')
  async handle(@Payload() message: EventPayload<'shop.jobs.send-welcome-email.v1'>, @Ctx() context: JetStreamContext): Promise<void> {
    if (await this.once.has(context)) return;
    await this.messages.run(message.message, context, (manager) => sendWelcomeEmail(manager, message.user_id, message.locale));
  }
}

async function sendWelcomeEmail(manager: EntityManager, userId: number, locale: string): Promise<void> {
  const postgres = manager.connection.options.type === 'postgres';
  const p = (i: number) => (postgres ? `$${i}` : '?');
  const [user] = (await manager.query(`SELECT id, email, name FROM users WHERE id = ${p(1)}`, [userId])) as Array<{
    id: number | string;
    email: string;
    name: string;
  }>;
  if (!user) throw new UnknownUserError(userId);
  const subject = locale === 'fr' ? `Bienvenue, ${user.name}` : `Welcome, ${user.name}`;
  await manager.query(`INSERT INTO sent_emails (user_id, recipient, kind, subject, sent_at) VALUES (${[1, 2, 3, 4, 5].map(p).join(', ')})`, [
    Number(user.id),
    user.email,
    'welcome',
    subject,
    new Date().toISOString().slice(0, 19).replace('T', ' '),
  ]);
}
