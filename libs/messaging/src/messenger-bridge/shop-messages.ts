import { MessengerMessageError } from '@offramp/legacy-bridge';
import type { BridgedMessageClass } from './bridged-message.js';

/** apps/legacy-symfony's App\Message\SendWelcomeEmail(int $userId, string $locale = 'en'): public scalars. */
export const SEND_WELCOME_EMAIL: BridgedMessageClass = {
  phpClass: 'App\\Message\\SendWelcomeEmail',
  subject: 'shop.jobs.send-welcome-email.v1',
  fields(message) {
    const { userId, locale } = message.properties as Record<string, unknown>;
    if (typeof userId !== 'number' || !Number.isInteger(userId) || userId < 1)
      throw new MessengerMessageError('not_an_envelope', 'SendWelcomeEmail.userId is not a positive integer');
    if (typeof locale !== 'string' || locale === '' || locale.length > 16)
      throw new MessengerMessageError('not_an_envelope', 'SendWelcomeEmail.locale is not a locale');
    return { user_id: userId, locale };
  },
};
