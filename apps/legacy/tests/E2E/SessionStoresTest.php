<?php

namespace Tests\E2E;

use Illuminate\Support\Facades\DB;
use Tests\Support\HttpClient;
use Tests\Support\PhpServer;
use Tests\TestCase;

/** SESSION_DRIVER=database (table `sessions`), as the gateway's identity bridge may read it. */
class SessionStoresTest extends TestCase
{
    public function test_database_session_driver(): void
    {
        $root = dirname(__DIR__, 2);
        $storage = PhpServer::tempStorage();
        $server = PhpServer::start($root.'/public', $root.'/server.php', ['APP_STORAGE_PATH' => $storage, 'APP_ENV' => 'e2e', 'SESSION_DRIVER' => 'database', 'LOG_CHANNEL' => 'null']);
        try {
            $c = new HttpClient($server->url());
            preg_match('/name="_token" value="([^"]+)"/', $c->get('/login')['body'], $m);
            $this->assertSame(302, $c->postForm('/login', ['_token' => $m[1], 'email' => 'admin@example.test', 'password' => 'password'])['status']);
            $this->assertSame('admin@example.test', $c->get('/_offramp/whoami')['json']['email']);
            $admin = $this->admin();
            $row = DB::table('sessions')->where('user_id', $admin->id)->orderByDesc('last_activity')->first();
            $this->assertNotNull($row, 'session row with the user id');
            $payload = unserialize(base64_decode($row->payload));
            $this->assertSame($admin->id, $payload['login_web_59ba36addc2b2f9401580f014c7f58ea4e30989d']);
            $csv = $c->get('/reports/sales.csv');
            $this->assertSame(200, $csv['status']);
            $this->assertStringStartsWith('date,orders,items,revenue_cents,currency', $csv['body']);
        } finally {
            $server->stop();
            PhpServer::removeTree($storage);
        }
    }
}
