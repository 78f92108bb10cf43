<?php

namespace App\Tests\Functional;

use App\Message\SendWelcomeEmail;
use App\Tests\Support\Console;
use Doctrine\DBAL\Connection;
use Symfony\Bundle\FrameworkBundle\KernelBrowser;
use Symfony\Bundle\FrameworkBundle\Test\WebTestCase;
use Symfony\Component\Messenger\Transport\Serialization\PhpSerializer;

/**
 * SendWelcomeEmail: dispatched by the registration, stored in messenger_messages by the Doctrine
 * transport, handled by a real `messenger:consume async` worker; a failing one ends in the failure
 * transport, where `messenger:failed:show` lists it.
 */
final class MessengerTest extends WebTestCase
{
    private static function connection(): Connection
    {
        return static::getContainer()->get(Connection::class);
    }

    private static function register(KernelBrowser $client, string $email): int
    {
        $crawler = $client->request('GET', '/register');
        $client->submit($crawler->filter('#register-form')->form(['email' => $email, 'name' => 'New Person', 'password' => 'long-enough']));
        self::assertSame(302, $client->getResponse()->getStatusCode(), (string) $client->getResponse()->getContent());

        return (int) self::connection()->fetchOne('SELECT id FROM users WHERE email = ?', [$email]);
    }

    /**
     * The messages still in a queue. On MySQL/MariaDB, Symfony's transport marks a handled message
     * delivered_at = 9999-12-31 23:59:59 and deletes it on a later fetch (fewer deadlocks): not in the queue.
     *
     * @return list<array<string,mixed>>
     */
    private static function messages(string $queue): array
    {
        return self::connection()->fetchAllAssociative(
            "SELECT id, body, headers, queue_name FROM messenger_messages WHERE queue_name = ? AND (delivered_at IS NULL OR delivered_at < '9999-01-01') ORDER BY id",
            [$queue],
        );
    }

    public function testARegistrationQueuesTheWelcomeMailAndAWorkerSendsIt(): void
    {
        $client = static::createClient();
        $before = count(self::messages('default'));
        $userId = self::register($client, 'welcome-1@example.test');
        self::assertGreaterThan(0, $userId);

        $queued = self::messages('default');
        self::assertCount($before + 1, $queued);
        $envelope = (new PhpSerializer())->decode(['body' => end($queued)['body']]);
        $message = $envelope->getMessage();
        self::assertInstanceOf(SendWelcomeEmail::class, $message);
        self::assertSame($userId, $message->userId);
        self::assertSame(0, (int) self::connection()->fetchOne('SELECT COUNT(*) FROM sent_emails WHERE user_id = ?', [$userId]));

        Console::mustRun(['messenger:consume', 'async', '--limit=1', '--time-limit=20']);

        $mails = self::connection()->fetchAllAssociative('SELECT recipient, kind, subject FROM sent_emails WHERE user_id = ?', [$userId]);
        self::assertSame([['recipient' => 'welcome-1@example.test', 'kind' => 'welcome', 'subject' => 'Welcome, New Person']], $mails);
        self::assertCount($before, self::messages('default'));

        // The mail shows on the account page after a login.
        $crawler = $client->request('GET', '/login');
        $client->submit($crawler->filter('#login-form')->form(['email' => 'welcome-1@example.test', 'password' => 'long-enough']));
        $crawler = $client->request('GET', '/en/account');
        self::assertSame(['welcome'], $crawler->filter('#emails li')->extract(['data-kind']));
    }

    public function testAFailingMessageEndsInTheFailureTransport(): void
    {
        $client = static::createClient();
        $userId = self::register($client, 'welcome-gone@example.test');
        // The user is gone before the worker runs: the handler throws.
        self::connection()->delete('users', ['id' => $userId]);
        $failedBefore = count(self::messages('failed'));

        Console::mustRun(['messenger:consume', 'async', '--limit=1', '--time-limit=20'], ['MESSENGER_MAX_RETRIES' => '0']);

        $failed = self::messages('failed');
        self::assertCount($failedBefore + 1, $failed);
        $envelope = (new PhpSerializer())->decode(['body' => end($failed)['body']]);
        self::assertSame($userId, $envelope->getMessage()->userId);

        // Messenger's commands write their report to stderr.
        $show = Console::run(['messenger:failed:show']);
        self::assertSame(0, $show['code']);
        self::assertStringContainsString(SendWelcomeEmail::class, $show['err']);
        $detail = Console::run(['messenger:failed:show', (string) end($failed)['id']]);
        self::assertStringContainsString("SendWelcomeEmail: user {$userId} does not exist.", $detail['err']);
    }

    public function testARetryWaitsInTheQueueBeforeFailing(): void
    {
        $client = static::createClient();
        $userId = self::register($client, 'welcome-retry@example.test');
        self::connection()->delete('users', ['id' => $userId]);
        $failedBefore = count(self::messages('failed'));

        // One retry allowed: the first failure puts it back on "default" with a delay, not on "failed".
        Console::mustRun(['messenger:consume', 'async', '--limit=1', '--time-limit=20'], ['MESSENGER_MAX_RETRIES' => '1', 'MESSENGER_RETRY_DELAY_MS' => '60000']);
        self::assertCount($failedBefore, self::messages('failed'));
        $retried = self::connection()->fetchAssociative("SELECT body, available_at FROM messenger_messages WHERE queue_name = 'default' AND delivered_at IS NULL ORDER BY id DESC LIMIT 1");
        self::assertNotFalse($retried);
        self::assertSame($userId, (new PhpSerializer())->decode(['body' => $retried['body']])->getMessage()->userId);
        self::assertGreaterThan(time() + 30, strtotime($retried['available_at'].' UTC'));
        self::connection()->executeStatement("DELETE FROM messenger_messages WHERE queue_name = 'default'");
    }

    public function testAForgedCsrfTokenRegistersNobodyAndQueuesNothing(): void
    {
        $client = static::createClient();
        $before = count(self::messages('default'));
        $client->request('POST', '/register', ['email' => 'forged@example.test', 'name' => 'F', 'password' => 'long-enough', '_csrf_token' => 'forged']);
        self::assertSame(422, $client->getResponse()->getStatusCode());
        self::assertSame(1, $client->getCrawler()->filter('[data-field=_csrf_token]')->count());
        self::assertFalse(self::connection()->fetchOne('SELECT id FROM users WHERE email = ?', ['forged@example.test']));
        self::assertCount($before, self::messages('default'));
    }
}
