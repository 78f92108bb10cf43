<?php

namespace App\Tests\Support;

/**
 * The app under a real `php -S` (one process, no workers) on a free loopback port, with its own var
 * folder; started by a test and stopped by its pid.
 */
final class PhpServer
{
    /** @var resource|null */
    private $proc;
    private int $pid = 0;

    private function __construct(public readonly int $port, public readonly string $varDir, private readonly string $logFile)
    {
    }

    /** @param array<string,string> $env */
    public static function start(array $env): self
    {
        $sock = stream_socket_server('tcp://127.0.0.1:0');
        $name = (string) stream_socket_get_name($sock, false);
        fclose($sock);
        $app = dirname(__DIR__, 2);
        $var = sys_get_temp_dir().'/offramp-symfony-e2e-'.bin2hex(random_bytes(4));
        mkdir($var, 0777, true);
        $server = new self((int) substr($name, strrpos($name, ':') + 1), $var, $var.'/server.log');
        $environment = array_merge(getenv(), ['APP_ENV' => 'prod', 'APP_DEBUG' => '0', 'APP_VAR_DIR' => $var, 'SESSION_SAVE_PATH' => $var.'/sessions'], $env);
        unset($environment['PHP_CLI_SERVER_WORKERS']);
        // A prod container of its own, compiled before the first request.
        $warm = proc_open([PHP_BINARY, $app.'/bin/console', 'cache:warmup', '--no-interaction'], [0 => ['file', '/dev/null', 'r'], 1 => ['file', $server->logFile, 'a'], 2 => ['file', $server->logFile, 'a']], $pipes, $app, $environment);
        if (proc_close($warm) !== 0) {
            throw new \RuntimeException('cache:warmup failed: '.file_get_contents($server->logFile));
        }
        $server->proc = proc_open([PHP_BINARY, '-S', "127.0.0.1:{$server->port}", '-t', $app.'/public', $app.'/public/index.php'], [0 => ['file', '/dev/null', 'r'], 1 => ['file', $server->logFile, 'a'], 2 => ['file', $server->logFile, 'a']], $pipes, $app, $environment);
        $server->pid = (int) proc_get_status($server->proc)['pid'];
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
            usleep(50_000);
        }
        $log = (string) @file_get_contents($server->logFile);
        $server->stop();
        throw new \RuntimeException("php -S did not start on port {$server->port}:\n{$log}");
    }

    public function url(string $path): string
    {
        return "http://127.0.0.1:{$this->port}{$path}";
    }

    public function stop(): void
    {
        if ($this->proc) {
            @posix_kill($this->pid, SIGTERM);
            $deadline = microtime(true) + 3;
            while (microtime(true) < $deadline && proc_get_status($this->proc)['running']) {
                usleep(20_000);
            }
            if (proc_get_status($this->proc)['running']) {
                @posix_kill($this->pid, SIGKILL);
            }
            proc_close($this->proc);
            $this->proc = null;
        }
        exec('rm -rf '.escapeshellarg($this->varDir));
    }
}
