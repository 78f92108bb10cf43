<?php

namespace App\Tests\Functional;

use Symfony\Bundle\FrameworkBundle\KernelBrowser;
use Symfony\Bundle\FrameworkBundle\Test\WebTestCase;

/** Form login (firewall main), CSRF on the login form, logout, access control, and /_offramp/whoami. */
final class LoginTest extends WebTestCase
{
    private static function login(KernelBrowser $client, string $email, string $password, ?string $csrf = null): void
    {
        $crawler = $client->request('GET', '/login');
        self::assertSame(200, $client->getResponse()->getStatusCode());
        $form = $crawler->filter('#login-form')->form(['email' => $email, 'password' => $password]);
        if ($csrf !== null) {
            $form['_csrf_token'] = $csrf;
        }
        $client->submit($form);
    }

    /** @return array{0:int,1:array<string,mixed>} */
    private static function whoami(KernelBrowser $client): array
    {
        $client->request('GET', '/_offramp/whoami');
        $response = $client->getResponse();
        self::assertSame('no-store, private', $response->headers->get('Cache-Control'));

        return [$response->getStatusCode(), json_decode((string) $response->getContent(), true, 512, JSON_THROW_ON_ERROR)];
    }

    public function testAGoodLoginIsTheUserWhoamiReportsUntilLogout(): void
    {
        $client = static::createClient();
        self::assertSame([401, ['message' => 'Unauthenticated.']], self::whoami($client));

        self::login($client, 'customer@example.test', 'password');
        self::assertSame(302, $client->getResponse()->getStatusCode());
        self::assertStringEndsWith('/en/account', (string) $client->getResponse()->headers->get('Location'));
        self::assertSame([200, ['id' => 2, 'email' => 'customer@example.test', 'name' => 'Carl Customer', 'is_admin' => false, 'roles' => ['customer']]], self::whoami($client));

        $client->request('GET', '/en/account');
        self::assertSame(200, $client->getResponse()->getStatusCode());
        self::assertStringContainsString('customer@example.test', (string) $client->getResponse()->getContent());

        $client->request('GET', '/logout');
        self::assertSame(302, $client->getResponse()->getStatusCode());
        self::assertSame([401, ['message' => 'Unauthenticated.']], self::whoami($client));
    }

    public function testTheAdminHasTheAdminRole(): void
    {
        $client = static::createClient();
        self::login($client, 'admin@example.test', 'password');
        self::assertSame([200, ['id' => 1, 'email' => 'admin@example.test', 'name' => 'Ada Admin', 'is_admin' => true, 'roles' => ['admin', 'customer']]], self::whoami($client));
        $client->request('GET', '/admin/products');
        self::assertSame(200, $client->getResponse()->getStatusCode());
    }

    public function testAWrongPasswordIsRefused(): void
    {
        $client = static::createClient();
        self::login($client, 'customer@example.test', 'not-the-password');
        self::assertTrue($client->getResponse()->isRedirect('/login') || str_ends_with((string) $client->getResponse()->headers->get('Location'), '/login'));
        $client->followRedirect();
        self::assertSame(422, $client->getResponse()->getStatusCode());
        self::assertSame('Invalid credentials.', trim($client->getCrawler()->filter('#login-error')->text()));
        self::assertSame(401, self::whoami($client)[0]);
    }

    public function testALoginWithAForgedCsrfTokenIsRefused(): void
    {
        $client = static::createClient();
        self::login($client, 'customer@example.test', 'password', 'forged-token');
        $client->followRedirect();
        self::assertSame(422, $client->getResponse()->getStatusCode());
        self::assertSame('Invalid CSRF token.', trim($client->getCrawler()->filter('#login-error')->text()));
        self::assertSame(401, self::whoami($client)[0]);
    }

    public function testALoginWithoutCsrfTokenIsRefused(): void
    {
        $client = static::createClient();
        $client->request('POST', '/login', ['email' => 'customer@example.test', 'password' => 'password']);
        $client->followRedirect();
        self::assertSame('Invalid CSRF token.', trim($client->getCrawler()->filter('#login-error')->text()));
        self::assertSame(401, self::whoami($client)[0]);
    }

    public function testGuestsAreSentToTheLoginAndCustomersKeptOutOfTheAdmin(): void
    {
        $client = static::createClient();
        $client->request('GET', '/fr/account');
        self::assertStringEndsWith('/login', (string) $client->getResponse()->headers->get('Location'));

        self::login($client, 'customer@example.test', 'password');
        $client->request('GET', '/admin/products');
        self::assertSame(403, $client->getResponse()->getStatusCode());
    }
}
