<?php

namespace Tests\E2E;

use PDO;
use PHPUnit\Framework\TestCase;
use Tests\Support\PhpServer;

/**
 * bin/serve, as the Node stack runner uses it: first start on an empty SQLite file (migrate +
 * small seed), master + workers, and SIGTERM to the one pid stops every process.
 */
class BinServeTest extends TestCase
{
    public function test_first_start_and_stop_by_pid(): void
    {
        $root = dirname(__DIR__, 2);
        $dir = sys_get_temp_dir().'/offramp-legacy-tests/serve_'.bin2hex(random_bytes(4));
        $db = "{$dir}/nested/shop.sqlite"; // folder does not exist yet
        $storage = PhpServer::tempStorage();
        $port = PhpServer::freePort();
        $hadEnv = file_exists("{$root}/.env");

        $env = array_merge(getenv(), [
            'PORT' => (string) $port,
            'DATABASE_URL' => "sqlite://{$db}",
            'APP_KEY' => 'base64:'.base64_encode(random_bytes(32)),
            'APP_ENV' => 'e2e',
            'APP_STORAGE_PATH' => $storage,
            'PHP_CLI_SERVER_WORKERS' => '3',
            'SEED_PRODUCTS' => '25', 'SEED_USERS' => '5', 'SEED_ORDERS' => '7',
        ]);
        $log = tempnam(sys_get_temp_dir(), 'serve');
        $proc = proc_open([$root.'/bin/serve'], [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']], $pipes, $root, $env);
        $pid = proc_get_status($proc)['pid'];
        $tree = [];
        try {
            $body = null;
            $deadline = microtime(true) + 30;
            while (microtime(true) < $deadline && $body === null) {
                $body = @file_get_contents("http://127.0.0.1:{$port}/api/products?per_page=1") ?: null;
                if ($body === null) {
                    $this->assertTrue(proc_get_status($proc)['running'], (string) file_get_contents($log));
                    usleep(100000);
                }
            }
            $this->assertNotNull($body, (string) file_get_contents($log));
            $this->assertSame(25, json_decode($body, true)['total']);
            $this->assertFileExists($db);
            $mode = (new PDO('sqlite:'.$db))->query('PRAGMA journal_mode')->fetchColumn();
            $this->assertSame('wal', $mode);

            $tree = array_merge([$pid], PhpServer::descendants($pid));
            $this->assertGreaterThanOrEqual(5, count($tree), 'bin/serve + php master + 3 workers');

            posix_kill($pid, SIGTERM);
            $deadline = microtime(true) + 5;
            while (microtime(true) < $deadline && proc_get_status($proc)['running']) {
                usleep(50000);
            }
            $this->assertFalse(proc_get_status($proc)['running'], 'bin/serve exits on SIGTERM');
            usleep(200000);
            $alive = array_filter($tree, fn ($p) => @posix_kill($p, 0) && ! preg_match('/\) Z /', (string) @file_get_contents("/proc/{$p}/stat")));
            $this->assertSame([], array_values($alive), 'no php -S master or worker left');
            $this->assertFalse(@fsockopen('127.0.0.1', $port, $e, $s, 0.5), 'port closed');
        } finally {
            foreach ($tree ?: [$pid] as $p) {
                @posix_kill($p, SIGKILL);
            }
            proc_close($proc);
            @unlink($log);
            PhpServer::removeTree($dir);
            PhpServer::removeTree($storage);
            if (! $hadEnv) {
                @unlink("{$root}/.env"); // bin/serve's dev-defaults copy
            }
        }
    }
}
