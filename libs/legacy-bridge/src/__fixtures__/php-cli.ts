import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The monolith's autoloader: Debian's Laravel 8 framework plus the app's own classes. */
export const LEGACY_AUTOLOAD = fileURLToPath(new URL('../../../../apps/legacy/bootstrap/autoload.php', import.meta.url));
/** The monolith's translations (validation messages, pagination labels). */
export const LEGACY_LANG = fileURLToPath(new URL('../../../../apps/legacy/resources/lang', import.meta.url));

/**
 * Runs `body` with PHP's command line: `$input` is the JSON-decoded (assoc) `input`, and whatever
 * `body` returns is JSON-encoded back. With `laravel`, the monolith's autoloader is loaded first.
 * Warnings and notices fail the run (unless silenced with `@`), so a PHP-side mistake cannot pass as an answer.
 */
export function runPhp<T>(body: string, input: unknown, { laravel = false }: { laravel?: boolean } = {}): T {
  const code = `
    error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
    set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
        // An @-silenced call (Dotenv's read of a missing .env) is PHP's own "no answer", not a mistake.
        if (!(error_reporting() & $severity)) return false;
        throw new ErrorException($message, 0, $severity, $file, $line);
    }, E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
    ${laravel ? `require ${JSON.stringify(LEGACY_AUTOLOAD)};` : ''}
    $input = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
    $run = static function ($input) { ${body} };
    echo json_encode($run($input), JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION);
  `;
  const out = execFileSync('php', ['-d', 'display_errors=stderr', '-d', 'log_errors=0', '-r', code], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out) as T;
}
