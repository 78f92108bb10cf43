<?php

namespace App\Tests\E2E;

use App\Tests\Support\HttpClient;
use App\Tests\Support\PhpServer;
use Doctrine\DBAL\DriverManager;
use App\Database\ConnectionFactory;
use PHPUnit\Framework\TestCase;

/**
 * The app under a real `php -S` in the prod environment: form login with the real CSRF check, the
 * session written by each store (native PHP files, PdoSessionHandler rows, Redis) in PHP's session
 * format with the firewall's token under _sf2_attributes/_security_main, and gone from it after logout.
 * (What the gateway's Symfony identity bridge reads.)
 */
final class SessionStoresTest extends TestCase
{
    private ?PhpServer $server = null;

    protected function tearDown(): void
    {
        $this->server?->stop();
    }

    /** Logs in as the customer through the login form; returns the session id. */
    private function login(HttpClient $http): string
    {
        $page = $http->request('GET', $this->server->url('/login'));
        self::assertSame(200, $page['status']);
        $cookieName = getenv('SESSION_COOKIE') ?: 'PHPSESSID';
        $response = $http->request('POST', $this->server->url('/login'), ['email' => 'customer@example.test', 'password' => 'password', '_csrf_token' => HttpClient::csrfToken($page['body'])]);
        self::assertSame(302, $response['status']);
        self::assertStringEndsWith('/en/account', $response['headers']['location'][0]);
        self::assertArrayHasKey($cookieName, $http->cookies);

        return $http->cookies[$cookieName];
    }

    private function whoamiStatus(HttpClient $http): int
    {
        return $http->request('GET', $this->server->url('/_offramp/whoami'))['status'];
    }

    private static function assertHoldsTheCustomersToken(string $data): void
    {
        // PHP's session format: <name>|<serialized value>; Symfony keeps its attributes under _sf2_attributes.
        self::assertStringStartsWith('_sf2_attributes|', $data);
        self::assertStringContainsString('_security_main', $data);
        self::assertStringContainsString('customer@example.test', $data);
        self::assertStringContainsString('App\Security\User', $data);
    }

    public function testNativeSessionFiles(): void
    {
        $this->server = PhpServer::start(['SESSION_DRIVER' => 'file']);
        $http = new HttpClient();
        $id = $this->login($http);
        $file = $this->server->varDir."/sessions/sess_{$id}";
        self::assertFileExists($file);
        self::assertHoldsTheCustomersToken((string) file_get_contents($file));
        self::assertSame(200, $this->whoamiStatus($http));

        self::assertSame(302, $http->request('GET', $this->server->url('/logout'))['status']);
        self::assertFileDoesNotExist($file);
        self::assertSame(401, $this->whoamiStatus($http));
    }

    public function testAForgedCsrfTokenIsRefusedByTheRealApp(): void
    {
        $this->server = PhpServer::start(['SESSION_DRIVER' => 'file']);
        $http = new HttpClient();
        $http->request('GET', $this->server->url('/login'));
        $response = $http->request('POST', $this->server->url('/login'), ['email' => 'customer@example.test', 'password' => 'password', '_csrf_token' => 'forged']);
        self::assertStringEndsWith('/login', $response['headers']['location'][0]);
        self::assertStringContainsString('Invalid CSRF token.', $http->request('GET', $this->server->url('/login'))['body']);
        self::assertSame(401, $this->whoamiStatus($http));
    }

    public function testPdoSessionHandlerRows(): void
    {
        $this->server = PhpServer::start(['SESSION_DRIVER' => 'database']);
        $http = new HttpClient();
        $id = $this->login($http);
        $db = DriverManager::getConnection(ConnectionFactory::params((string) getenv('DATABASE_URL'), dirname(__DIR__, 2)));
        $data = $db->fetchOne('SELECT sess_data FROM symfony_sessions WHERE sess_id = ?', [$id]);
        self::assertIsString(is_resource($data) ? $data = stream_get_contents($data) : $data);
        self::assertHoldsTheCustomersToken($data);
        self::assertSame(200, $this->whoamiStatus($http));

        $http->request('GET', $this->server->url('/logout'));
        self::assertFalse($db->fetchOne('SELECT sess_data FROM symfony_sessions WHERE sess_id = ?', [$id]));
        self::assertSame(401, $this->whoamiStatus($http));
    }

    public function testRedisSessions(): void
    {
        $redis = new \Redis();
        try {
            $redis->connect('127.0.0.1', 6379, 1.0);
            $redis->ping();
        } catch (\RedisException) {
            self::markTestSkipped('no Redis on 127.0.0.1:6379');
        }
        $prefix = 'offramp_symfony_test_'.bin2hex(random_bytes(3)).'_';
        $this->server = PhpServer::start(['SESSION_DRIVER' => 'redis', 'REDIS_URL' => 'redis://127.0.0.1:6379', 'REDIS_SESSION_PREFIX' => $prefix]);
        $http = new HttpClient();
        $id = $this->login($http);
        $data = $redis->get($prefix.$id);
        self::assertIsString($data);
        self::assertHoldsTheCustomersToken($data);
        self::assertGreaterThan(0, $redis->ttl($prefix.$id));

        $http->request('GET', $this->server->url('/logout'));
        self::assertFalse($redis->get($prefix.$id));
        self::assertSame(401, $this->whoamiStatus($http));
    }
}
