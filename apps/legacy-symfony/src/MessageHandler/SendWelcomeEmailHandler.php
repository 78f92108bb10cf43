<?php

namespace App\MessageHandler;

use App\Message\SendWelcomeEmail;
use Doctrine\DBAL\Connection;
use Symfony\Component\Messenger\Handler\MessageHandlerInterface;

/**
 * "Sends" the welcome mail: the app has no mailer (none in Debian's Symfony packages), so the mail
 * is written to the sent_emails table, the outbox of a real mailer. Fails for an unknown user, so
 * the message is retried and then lands in the failure transport.
 */
final class SendWelcomeEmailHandler implements MessageHandlerInterface
{
    public function __construct(private readonly Connection $connection)
    {
    }

    public function __invoke(SendWelcomeEmail $message): void
    {
        $user = $this->connection->fetchAssociative('SELECT id, email, name FROM users WHERE id = ?', [$message->userId]);
        if ($user === false) {
            throw new UnknownUser(sprintf('SendWelcomeEmail: user %d does not exist.', $message->userId));
        }
        $subject = $message->locale === 'fr' ? 'Bienvenue, '.$user['name'] : 'Welcome, '.$user['name'];
        $this->connection->insert('sent_emails', [
            'user_id' => (int) $user['id'],
            'recipient' => $user['email'],
            'kind' => 'welcome',
            'subject' => $subject,
            'sent_at' => gmdate('Y-m-d H:i:s'),
        ]);
    }
}
