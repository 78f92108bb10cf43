<?php

namespace App\Tests\Support;

/** A browser-like HTTP client over ext-curl: keeps cookies, never follows redirects, bounded by a timeout. */
final class HttpClient
{
    /** @var array<string,string> */
    public array $cookies = [];

    /**
     * @param  array<string,string>  $form
     * @return array{status:int, headers:array<string,list<string>>, body:string}
     */
    public function request(string $method, string $url, array $form = [], array $headers = []): array
    {
        $ch = curl_init($url);
        $received = [];
        $cookie = implode('; ', array_map(static fn ($k, $v) => "{$k}={$v}", array_keys($this->cookies), $this->cookies));
        curl_setopt_array($ch, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => 10,
            CURLOPT_HTTPHEADER => array_merge($headers, $cookie !== '' ? ["Cookie: {$cookie}"] : []),
            CURLOPT_HEADERFUNCTION => static function ($ch, string $line) use (&$received): int {
                if (str_contains($line, ':')) {
                    [$name, $value] = explode(':', $line, 2);
                    $received[strtolower(trim($name))][] = trim($value);
                }

                return strlen($line);
            },
        ]);
        if ($form !== []) {
            curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query($form));
        }
        $body = curl_exec($ch);
        if ($body === false) {
            throw new \RuntimeException("{$method} {$url}: ".curl_error($ch));
        }
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        foreach ($received['set-cookie'] ?? [] as $line) {
            [$pair] = explode(';', $line, 2);
            [$name, $value] = explode('=', $pair, 2);
            if ($value === '' || $value === 'deleted' || stripos($line, 'max-age=0') !== false) {
                unset($this->cookies[$name]);
            } else {
                $this->cookies[$name] = $value;
            }
        }

        return ['status' => $status, 'headers' => $received, 'body' => (string) $body];
    }

    public static function csrfToken(string $html): string
    {
        if (! preg_match('/name="_csrf_token" value="([^"]+)"/', $html, $m)) {
            throw new \RuntimeException('no _csrf_token field in the page');
        }

        return html_entity_decode($m[1]);
    }
}
