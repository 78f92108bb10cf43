<?php

namespace Tests\Support;

/** A tiny browser over ext-curl with its own cookie jar (real HTTP against a real server). */
final class HttpClient
{
    private array $cookies = [];

    public function __construct(private string $base)
    {
    }

    /** @return array{status:int,headers:array<string,array<int,string>>,body:string,json:mixed} */
    public function request(string $method, string $path, array $headers = [], ?string $body = null): array
    {
        $ch = curl_init($this->base.$path);
        $respHeaders = [];
        $h = [];
        foreach ($headers as $k => $v) {
            $h[] = "{$k}: {$v}";
        }
        if ($this->cookies) {
            $h[] = 'Cookie: '.implode('; ', array_map(fn ($k, $v) => "{$k}={$v}", array_keys($this->cookies), $this->cookies));
        }
        curl_setopt_array($ch, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => $h,
            CURLOPT_TIMEOUT => 20,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_HEADERFUNCTION => function ($ch, $line) use (&$respHeaders) {
                if (str_contains($line, ':')) {
                    [$k, $v] = explode(':', $line, 2);
                    $respHeaders[strtolower(trim($k))][] = trim($v);
                }

                return strlen($line);
            },
        ]);
        if ($body !== null) {
            curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
        }
        $resp = curl_exec($ch);
        if ($resp === false) {
            throw new \RuntimeException("HTTP {$method} {$path}: ".curl_error($ch));
        }
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);

        foreach ($respHeaders['set-cookie'] ?? [] as $cookie) {
            [$pair] = explode(';', $cookie, 2);
            [$name, $value] = explode('=', $pair, 2);
            if (stripos($cookie, 'expires=Thu, 01-Jan-1970') !== false || stripos($cookie, 'Max-Age=0') !== false) {
                unset($this->cookies[$name]);
            } else {
                $this->cookies[$name] = $value;
            }
        }

        return ['status' => $status, 'headers' => $respHeaders, 'body' => (string) $resp, 'json' => json_decode((string) $resp, true)];
    }

    public function get(string $path, array $headers = []): array
    {
        return $this->request('GET', $path, $headers);
    }

    public function postForm(string $path, array $fields, array $headers = []): array
    {
        return $this->request('POST', $path, $headers + ['Content-Type' => 'application/x-www-form-urlencoded'], http_build_query($fields));
    }

    public function postJson(string $path, mixed $data, array $headers = []): array
    {
        return $this->request('POST', $path, $headers + ['Content-Type' => 'application/json', 'Accept' => 'application/json'], json_encode($data));
    }

    public function cookie(string $name): ?string
    {
        return isset($this->cookies[$name]) ? urldecode($this->cookies[$name]) : null;
    }
}
