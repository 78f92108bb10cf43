<?php

namespace Tests\Support;

use RuntimeException;

/**
 * A real `php -S` process on a free loopback port, started by a test and stopped by pid.
 * Started without workers (PHP_CLI_SERVER_WORKERS unset) unless asked: then the master and
 * every forked worker are stopped.
 */
final class PhpServer
{
    /** @var resource|null */
    private $proc;
    public int $pid = 0;
    public string $logFile;

    private function __construct(public int $port)
    {
    }

    public static function freePort(): int
    {
        $sock = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        if (! $sock) {
            throw new RuntimeException("no free port: {$errstr}");
        }
        $name = stream_socket_get_name($sock, false);
        fclose($sock);

        return (int) substr($name, strrpos($name, ':') + 1);
    }

    public static function start(string $docroot, ?string $router, array $env = [], int $workers = 1, string $readyPath = '/'): self
    {
        $server = new self(self::freePort());
        $server->logFile = tempnam(sys_get_temp_dir(), 'phps');
        $cmd = [PHP_BINARY, '-S', "127.0.0.1:{$server->port}", '-t', $docroot];
        if ($router) {
            $cmd[] = $router;
        }
        $environment = array_merge(getenv(), $env);
        unset($environment['PHP_CLI_SERVER_WORKERS']);
        if ($workers > 1) {
            $environment['PHP_CLI_SERVER_WORKERS'] = (string) $workers;
        }
        $server->proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $server->logFile, 'a'], 2 => ['file', $server->logFile, 'a']], $pipes, $docroot, $environment);
        if (! is_resource($server->proc)) {
            throw new RuntimeException('could not start php -S');
        }
        $server->pid = proc_get_status($server->proc)['pid'];

        $deadline = microtime(true) + 10;
        while (microtime(true) < $deadline) {
            $c = @fsockopen('127.0.0.1', $server->port, $errno, $errstr, 0.2);
            if ($c) {
                fclose($c);

                return $server;
            }
            if (! proc_get_status($server->proc)['running']) {
                break;
            }
            usleep(50000);
        }
        $log = @file_get_contents($server->logFile);
        $server->stop();
        throw new RuntimeException("php -S did not start on port {$server->port}:\n{$log}");
    }

    /** A throw-away Laravel storage folder (sessions, views, cache, logs) for a server under test. */
    public static function tempStorage(): string
    {
        $dir = sys_get_temp_dir().'/offramp-legacy-tests/storage_'.bin2hex(random_bytes(4));
        foreach (['app', 'framework/sessions', 'framework/views', 'framework/cache/data', 'logs'] as $sub) {
            mkdir("{$dir}/{$sub}", 0777, true);
        }

        return $dir;
    }

    public static function removeTree(string $dir): void
    {
        if (! is_dir($dir)) {
            return;
        }
        $it = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::CHILD_FIRST);
        foreach ($it as $f) {
            $f->isDir() && ! $f->isLink() ? rmdir($f->getPathname()) : unlink($f->getPathname());
        }
        rmdir($dir);
    }

    public function url(string $path = ''): string
    {
        return "http://127.0.0.1:{$this->port}{$path}";
    }

    public function log(): string
    {
        return (string) @file_get_contents($this->logFile);
    }

    /** Stops the server and its workers by pid (children first collected from /proc). */
    public function stop(): void
    {
        if (! $this->proc) {
            return;
        }
        $pids = array_merge([$this->pid], self::descendants($this->pid));
        foreach ($pids as $pid) {
            @posix_kill($pid, SIGTERM);
        }
        $deadline = microtime(true) + 3;
        while (microtime(true) < $deadline && proc_get_status($this->proc)['running']) {
            usleep(20000);
        }
        foreach ($pids as $pid) {
            if (@posix_kill($pid, 0)) {
                @posix_kill($pid, SIGKILL);
            }
        }
        proc_close($this->proc);
        $this->proc = null;
        @unlink($this->logFile);
    }

    public static function descendants(int $pid): array
    {
        $out = [];
        foreach (glob("/proc/{$pid}/task/*/children") ?: [] as $file) {
            foreach (preg_split('/\s+/', trim((string) @file_get_contents($file)), -1, PREG_SPLIT_NO_EMPTY) as $child) {
                $out[] = (int) $child;
                $out = array_merge($out, self::descendants((int) $child));
            }
        }

        return $out;
    }

    public function __destruct()
    {
        $this->stop();
    }
}
