<?php

namespace Tests\E2E;

use App\Offramp\Outbox;
use App\Shop\PaymentSignature;
use Illuminate\Cookie\CookieValuePrefix;
use Illuminate\Encryption\Encrypter;
use Illuminate\Support\Facades\DB;
use Tests\Support\HttpClient;
use Tests\Support\PhpServer;
use Tests\TestCase;

/**
 * End to end against the app's own port: the real app under `php -S` (with workers), a
 * browser-like client with a cookie jar, CSRF as a browser meets it, real signed webhooks.
 */
class ShopFlowTest extends TestCase
{
    private static ?PhpServer $server = null;
    private static string $storage = '';

    public static function setUpBeforeClass(): void
    {
        $root = dirname(__DIR__, 2);
        self::$storage = PhpServer::tempStorage();
        self::$server = PhpServer::start($root.'/public', $root.'/server.php', [
            'APP_STORAGE_PATH' => self::$storage,
            'APP_ENV' => 'e2e',            // not "testing": CSRF is enforced as in production
            'SESSION_DRIVER' => 'file',
            'CACHE_DRIVER' => 'file',
            'LOG_CHANNEL' => 'null',
        ], 3);
    }

    public static function tearDownAfterClass(): void
    {
        self::$server?->stop();
        self::$server = null;
        PhpServer::removeTree(self::$storage);
    }

    private function key(): string
    {
        return base64_decode(substr(config('app.key'), 7));
    }

    private function csrfFromForm(string $html): string
    {
        $this->assertMatchesRegularExpression('/name="_token" value="([^"]+)"/', $html);
        preg_match('/name="_token" value="([^"]+)"/', $html, $m);

        return $m[1];
    }

    private function deliver(HttpClient $http, array $event, ?int $t = null, string $secret = self::SECRET): array
    {
        $body = json_encode($event);

        return $http->request('POST', '/webhooks/payments', [
            'Content-Type' => 'application/json',
            'Payment-Signature' => PaymentSignature::sign($secret, $body, $t ?? time()),
        ], $body);
    }

    public function test_login_browse_order_pay_and_see_it_paid(): void
    {
        $product = $this->makeProduct(['name' => 'E2E Espresso Machine', 'price_cents' => 12999, 'stock' => 4]);
        $browser = new HttpClient(self::$server->url());

        // 1. login page, CSRF enforced
        $page = $browser->get('/login');
        $this->assertSame(200, $page['status'], self::$server->log());
        $token = $this->csrfFromForm($page['body']);
        $this->assertSame(419, $browser->postForm('/login', ['email' => 'customer@example.test', 'password' => 'password'])['status']);
        $bad = $browser->postForm('/login', ['_token' => $token, 'email' => 'customer@example.test', 'password' => 'nope']);
        $this->assertSame(302, $bad['status']);
        $this->assertSame(401, $browser->get('/_offramp/whoami')['status']);

        $login = $browser->postForm('/login', ['_token' => $token, 'email' => 'customer@example.test', 'password' => 'password']);
        $this->assertSame(302, $login['status']);
        $this->assertStringEndsWith('/account/orders', $login['headers']['location'][0]);

        // the session cookie is standard Laravel: AES-256-CBC with APP_KEY, "v2" prefix, file store
        $raw = $browser->cookie('laravel_session');
        $this->assertNotNull($raw);
        $decrypted = (new Encrypter($this->key(), 'AES-256-CBC'))->decrypt($raw, false);
        $sessionId = CookieValuePrefix::remove($decrypted);
        $this->assertSame(CookieValuePrefix::create('laravel_session', $this->key()), substr($decrypted, 0, 41));
        $session = unserialize(file_get_contents(self::$storage.'/framework/sessions/'.$sessionId));
        $this->assertSame($this->customer()->id, $session['login_web_59ba36addc2b2f9401580f014c7f58ea4e30989d']);

        $who = $browser->get('/_offramp/whoami');
        $this->assertSame(200, $who['status']);
        $this->assertSame('customer@example.test', $who['json']['email']);

        // 2. catalog
        $list = $browser->get('/api/products?q='.urlencode('E2E Espresso'));
        $this->assertSame(200, $list['status']);
        $this->assertSame($product->id, $list['json']['data'][0]['id']);

        // 3. order: CSRF via the XSRF-TOKEN cookie, as a browser's fetch/axios sends it
        $orderBody = ['items' => [['product_id' => $product->id, 'quantity' => 2]]];
        $this->assertSame(419, $browser->postJson('/api/orders', $orderBody)['status']);
        $placed = $browser->postJson('/api/orders', $orderBody, ['X-XSRF-TOKEN' => $browser->cookie('XSRF-TOKEN')]);
        $this->assertSame(201, $placed['status'], $placed['body']);
        $orderId = $placed['json']['id'];
        $this->assertSame(25998, $placed['json']['total_cents']);
        $this->assertSame('pending', $placed['json']['status']);

        $account = $browser->get('/account/orders');
        $this->assertStringContainsString("id=\"order-{$orderId}\" data-status=\"pending\"", $account['body']);

        // 4. the payment provider: bad signature, expired, then genuine (3 concurrent deliveries), then a replay
        $provider = new HttpClient(self::$server->url());
        $event = ['id' => 'evt_e2e_'.bin2hex(random_bytes(6)), 'type' => 'payment.succeeded', 'data' => ['order_id' => $orderId, 'amount_cents' => 25998]];
        $before = $this->snapshot();
        $forged = $this->deliver($provider, $event, null, 'wrong-secret');
        $this->assertSame([400, 'invalid_signature'], [$forged['status'], $forged['json']['error']]);
        $expired = $this->deliver($provider, $event, time() - 600);
        $this->assertSame([400, 'timestamp_expired'], [$expired['status'], $expired['json']['error']]);
        $this->assertSame($before, $this->snapshot(), 'rejected webhooks change nothing');

        $statuses = $this->deliverConcurrently($event, 3);
        sort($statuses);
        $this->assertSame(['duplicate', 'duplicate', 'processed'], $statuses);
        $replay = $this->deliver($provider, $event);
        $this->assertSame([200, ['status' => 'duplicate']], [$replay['status'], $replay['json']]);

        // 5. paid on the account page and through the API
        $account = $browser->get('/account/orders');
        $this->assertStringContainsString("id=\"order-{$orderId}\" data-status=\"paid\"", $account['body']);
        $this->assertSame('paid', $browser->get("/api/orders/{$orderId}")['json']['status']);

        // 6. outbox rows, in order: placed, stock changed, paid
        $rows = DB::table('offramp_outbox')->where(function ($q) use ($orderId, $product) {
            $q->where(fn ($w) => $w->where('aggregate_type', 'order')->where('aggregate_id', (string) $orderId))
                ->orWhere(fn ($w) => $w->where('aggregate_type', 'product')->where('aggregate_id', (string) $product->id));
        })->orderBy('id')->get();
        $this->assertSame([Outbox::ORDER_PLACED, Outbox::PRODUCT_STOCK_CHANGED, Outbox::ORDER_PAID], $rows->pluck('event_type')->all());
        $this->assertSame(2, json_decode($rows[1]->payload, true)['stock']);
        $this->assertSame($event['id'], json_decode($rows[2]->payload, true)['payment_event_id']);
        $this->assertSame(3, $rows->pluck('event_id')->unique()->count());

        // 7. the confirmation job waits on the offramp queue
        $jobs = DB::table('jobs')->where('queue', 'offramp')->get()->filter(function ($job) use ($orderId) {
            $p = json_decode($job->payload, true);

            return $p['displayName'] === \App\Jobs\SendOrderConfirmation::class && unserialize($p['data']['command'])->order->id === $orderId;
        });
        $this->assertCount(1, $jobs);

        // 8. logout
        $out = $browser->postForm('/logout', ['_token' => $this->csrfFromForm($browser->get('/account/orders')['body'])]);
        $this->assertSame(302, $out['status']);
        $this->assertSame(401, $browser->get('/_offramp/whoami')['status']);
    }

    public function test_concurrent_orders_never_oversell(): void
    {
        $product = $this->makeProduct(['stock' => 3]);
        $clients = [];
        foreach (range(1, 5) as $i) {
            $user = $this->makeUser(['password' => bcrypt('pw-'.$i)]);
            $c = new HttpClient(self::$server->url());
            $token = $this->csrfFromForm($c->get('/login')['body']);
            $this->assertSame(302, $c->postForm('/login', ['_token' => $token, 'email' => $user->email, 'password' => 'pw-'.$i])['status']);
            $clients[] = $c;
        }
        $handles = [];
        foreach ($clients as $c) {
            $ch = curl_init(self::$server->url('/api/orders'));
            curl_setopt_array($ch, [
                CURLOPT_POST => true, CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 20,
                CURLOPT_POSTFIELDS => json_encode(['items' => [['product_id' => $product->id, 'quantity' => 1]]]),
                CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'Accept: application/json',
                    'X-XSRF-TOKEN: '.$c->cookie('XSRF-TOKEN'),
                    'Cookie: laravel_session='.rawurlencode($c->cookie('laravel_session')).'; XSRF-TOKEN='.rawurlencode($c->cookie('XSRF-TOKEN'))],
            ]);
            $handles[] = $ch;
        }
        $this->performConcurrently($handles);
        $codes = array_map(fn ($ch) => curl_getinfo($ch, CURLINFO_RESPONSE_CODE), $handles);
        sort($codes);
        $this->assertSame([201, 201, 201, 422, 422], $codes);
        $this->assertSame(0, $product->fresh()->stock);
    }

    /** @return string[] the "status" of each answer */
    private function deliverConcurrently(array $event, int $n): array
    {
        $body = json_encode($event);
        $header = PaymentSignature::sign(self::SECRET, $body, time());
        $handles = [];
        for ($i = 0; $i < $n; $i++) {
            $ch = curl_init(self::$server->url('/webhooks/payments'));
            curl_setopt_array($ch, [CURLOPT_POST => true, CURLOPT_POSTFIELDS => $body, CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 20,
                CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'Payment-Signature: '.$header]]);
            $handles[] = $ch;
        }
        $this->performConcurrently($handles);
        $out = [];
        foreach ($handles as $ch) {
            $this->assertSame(200, curl_getinfo($ch, CURLINFO_RESPONSE_CODE), (string) curl_multi_getcontent($ch));
            $out[] = json_decode(curl_multi_getcontent($ch), true)['status'] ?? 'none';
        }

        return $out;
    }

    /** Sends every request at once and waits for all answers (each bounded by its CURLOPT_TIMEOUT). */
    private function performConcurrently(array $handles): void
    {
        $mh = curl_multi_init();
        foreach ($handles as $ch) {
            curl_multi_add_handle($mh, $ch);
        }
        do {
            curl_multi_exec($mh, $running);
            curl_multi_select($mh, 0.1);
        } while ($running > 0);
        foreach ($handles as $ch) {
            curl_multi_remove_handle($mh, $ch);
        }
        curl_multi_close($mh);
    }
}
