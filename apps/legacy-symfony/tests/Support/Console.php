<?php

namespace App\Tests\Support;

/** Runs bin/console in a child process (as an operator or a worker would), bounded by a timeout. */
final class Console
{
    /**
     * @param  list<string>  $args
     * @param  array<string,string>  $env
     * @return array{code:int, out:string, err:string}
     */
    public static function run(array $args, array $env = [], int $timeoutSeconds = 60): array
    {
        $app = dirname(__DIR__, 2);
        $cmd = array_merge(['timeout', '--kill-after=5', (string) $timeoutSeconds, PHP_BINARY, $app.'/bin/console'], $args, ['--no-interaction']);
        $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $app, array_merge(getenv(), $env));
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);

        return ['code' => proc_close($proc), 'out' => (string) $out, 'err' => (string) $err];
    }

    /** @param list<string> $args */
    public static function mustRun(array $args, array $env = [], int $timeoutSeconds = 60): string
    {
        $result = self::run($args, $env, $timeoutSeconds);
        if ($result['code'] !== 0) {
            throw new \RuntimeException('bin/console '.implode(' ', $args)." failed ({$result['code']}):\n{$result['out']}\n{$result['err']}");
        }

        return $result['out'];
    }
}
