import { execFileSync } from 'node:child_process';

/**
 * A logged-in Laravel session made by Laravel's own code (Debian's framework, php CLI): a file
 * session holding `login_web_<sha1>` = 1 and the encrypted, `v2`-prefixed cookie that names it.
 */
export function laravelSession(sessionDirectory: string): { appKey: string; cookie: string } {
  const php = `
require '/usr/share/php/Illuminate/autoload.php';
$key = random_bytes(32);
$encrypter = new Illuminate\\Encryption\\Encrypter($key, 'AES-256-CBC');
$id = bin2hex(random_bytes(20));
file_put_contents($argv[1].'/'.$id, serialize(['_token' => bin2hex(random_bytes(20)), 'login_web_'.sha1('Illuminate\\Auth\\SessionGuard') => 1]));
$cookie = $encrypter->encrypt(Illuminate\\Cookie\\CookieValuePrefix::create('laravel_session', $key).$id, false);
echo json_encode(['appKey' => 'base64:'.base64_encode($key), 'cookie' => 'laravel_session='.urlencode($cookie)]);
`;
  return JSON.parse(execFileSync('php', ['-r', php, '--', sessionDirectory], { encoding: 'utf8' }));
}
