<?php

namespace App\Message;

/**
 * Sent after a registration (and on "send it again" in the account page); handled asynchronously
 * over the Doctrine transport "async" (config/packages/messenger.yaml). Plain public scalars, so
 * the PhpSerializer body is easy to read from outside PHP (Offramp's Messenger bridge).
 */
final class SendWelcomeEmail
{
    public function __construct(public readonly int $userId, public readonly string $locale = 'en')
    {
    }
}
