import { redactText, SampleRedactor } from './redact.js';

const redactor = new SampleRedactor(['$.customer.phone', '$.items[*].note', '$..iban_hint']);

describe('mismatch sample redaction', () => {
  it('keeps query parameter names and drops every value, in the request URL and in redirect headers', () => {
    expect(redactor.url('/reset?token=abc123&email=jane%40example.org&page=2&flag')).toBe('/reset?token=[redacted]&email=[redacted]&page=[redacted]&flag');
    expect(redactor.url('/api/products/5')).toBe('/api/products/5');
    expect(redactor.url('/users/jane.roe@example.org/orders')).toBe('/users/[redacted]/orders');
    expect(redactor.url('/cb?x=1#access_token=secret')).toBe('/cb?x=[redacted]#[redacted]');
    expect(redactor.headers({ location: 'https://shop.example/login?next=%2Faccount&sig=f00d', referer: 'https://user:pw@shop.example/a?b=c' })).toEqual({
      location: 'https://shop.example/login?next=[redacted]&sig=[redacted]',
      referer: 'https://[redacted]@shop.example/a?b=[redacted]',
    });
  });

  it('redacts headers by name pattern, and e-mails, card numbers and tokens in the values of the others', () => {
    const headers = redactor.headers({
      authorization: 'Basic dXNlcjpwYXNz',
      'proxy-authorization': 'Basic x',
      cookie: 'laravel_session=eyJpdiI6IjEyMzQ1Njc4OTAxMjM0NTYiLCJ2YWx1ZSI6Ij',
      'set-cookie': ['XSRF-TOKEN=abc; path=/', 'laravel_session=def; httponly'],
      'x-offramp-identity': 'eyJhbGciOiJIUzI1NiJ9.e30.sig',
      'x-csrf-token': 'c',
      'x-xsrf-token': 'x',
      'x-api-key': 'k',
      'x-amz-security-token': 't',
      'x-hub-signature-256': 'sha256=1',
      'x-client-secret': 's',
      'content-type': 'text/html; charset=UTF-8',
      'x-contact': 'Jane <jane.roe@example.org>',
      'x-note': 'paid with 4111 1111 1111 1111, order 1234567890123',
      'x-forwarded-auth-hint': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc',
      'x-debug': 'Bearer abc.def.ghi',
    });
    for (const name of [
      'authorization',
      'proxy-authorization',
      'cookie',
      'set-cookie',
      'x-offramp-identity',
      'x-csrf-token',
      'x-xsrf-token',
      'x-api-key',
      'x-amz-security-token',
      'x-hub-signature-256',
      'x-client-secret',
      'x-forwarded-auth-hint',
    ]) {
      expect({ name, value: headers[name] }).toEqual({ name, value: '[redacted]' });
    }
    expect(headers['content-type']).toBe('text/html; charset=UTF-8');
    expect(headers['x-contact']).toBe('Jane <[redacted]>');
    // 1234567890123 fails the Luhn check: an order number, kept.
    expect(headers['x-note']).toBe('paid with [redacted], order 1234567890123');
    expect(headers['x-debug']).toBe('Bearer [redacted]');
  });

  it('redacts CSRF meta tags, hidden token inputs, password inputs and inline tokens in HTML', () => {
    const html = [
      '<html><head><meta charset="utf-8"><meta name="csrf-token" content="Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MDEyMzQ1Ng">',
      '<meta content=\'abc\' name=\'xsrf-token\'><meta name="description" content="A shop"></head><body>',
      '<form method="POST" action="/logout"><input type="hidden" name="_token" value="Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MDEyMzQ1Ng"><button>Log out</button></form>',
      '<input type="password" name="pw" value="hunter2"><input name="q" value="chairs">',
      "<script>window.Laravel = { csrfToken: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MDEyMzQ1Ng' };</script>",
      '<span>jane.roe@example.org</span><p>Card 4111-1111-1111-1111</p>',
      '<a href="/products?token=abc123&amp;page=2">next</a></body></html>',
    ].join('\n');
    const body = redactor.body(Buffer.from(html), 'text/html; charset=UTF-8') as string;
    expect(body).not.toContain('Zm9vYmFyYmF6cXV4');
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('jane.roe');
    expect(body).not.toContain('4111');
    expect(body).toContain('<meta name="csrf-token" content="[redacted]">');
    expect(body).toContain("<meta content='[redacted]' name='xsrf-token'>");
    expect(body).toContain('<meta name="description" content="A shop">');
    expect(body).toContain('<input type="hidden" name="_token" value="[redacted]">');
    expect(body).toContain('<input type="password" name="pw" value="[redacted]">');
    expect(body).toContain('<input name="q" value="chairs">');
    expect(body).toContain("csrfToken: '[redacted]'");
    expect(body).toContain('<a href="/products?token=[redacted]&amp;page=[redacted]">next</a>');
  });

  it('redacts JSON values at configured paths, secret-named keys, e-mails and card numbers anywhere', () => {
    const body = {
      id: 7,
      customer: { name: 'Jane', phone: '+44 20 7946 0000', email: 'jane.roe@example.org', api_token: 'tok' },
      items: [
        { sku: 'A', note: 'leave at door', price_cents: 1999 },
        { sku: 'B', note: 'ring twice', price_cents: 2999 },
      ],
      payment: { pan: 4111111111111111, reference: 'paid by 5500-0000-0000-0004', created: 1733000000000 },
      deep: { deeper: { iban_hint: 'DE89', kept: 'yes' } },
      password_confirmation: 'x',
      next_page_url: 'http://shop.example/api/products?page=2&api_token=abc',
    };
    expect(redactor.body(Buffer.from(JSON.stringify(body)), 'application/json')).toEqual({
      id: 7,
      customer: { name: 'Jane', phone: '[redacted]', email: '[redacted]', api_token: '[redacted]' },
      items: [
        { sku: 'A', note: '[redacted]', price_cents: 1999 },
        { sku: 'B', note: '[redacted]', price_cents: 2999 },
      ],
      payment: { pan: '[redacted]', reference: 'paid by [redacted]', created: 1733000000000 },
      deep: { deeper: { iban_hint: '[redacted]', kept: 'yes' } },
      password_confirmation: '[redacted]',
      next_page_url: 'http://shop.example/api/products?page=[redacted]&api_token=[redacted]',
    });
  });

  it('redacts the values of differences like the place they come from, keeping the keys', () => {
    expect(redactor.difference({ key: 'status', legacy: 200, service: 404 })).toEqual({ key: 'status', legacy: 200, service: 404 });
    expect(redactor.difference({ key: 'header:set-cookie', legacy: 'laravel_session=abc', service: undefined })).toEqual({
      key: 'header:set-cookie',
      legacy: '[redacted]',
      service: undefined,
    });
    expect(redactor.difference({ key: 'header:location', legacy: '/done?token=abc', service: '/done?token=def' })).toEqual({
      key: 'header:location',
      legacy: '/done?token=[redacted]',
      service: '/done?token=[redacted]',
    });
    expect(redactor.difference({ key: 'body:$.customer.phone', legacy: '+1 555', service: '+1 556' })).toEqual({
      key: 'body:$.customer.phone',
      legacy: '[redacted]',
      service: '[redacted]',
    });
    expect(redactor.difference({ key: 'body:$.user.api_token', legacy: 'a', service: 'b' })).toEqual({
      key: 'body:$.user.api_token',
      legacy: '[redacted]',
      service: '[redacted]',
    });
    expect(redactor.difference({ key: 'body:$.customer', legacy: { phone: '1', name: 'A' }, service: { phone: '2', name: 'B' } })).toEqual({
      key: 'body:$.customer',
      legacy: { phone: '[redacted]', name: 'A' },
      service: { phone: '[redacted]', name: 'B' },
    });
    expect(redactor.difference({ key: 'body:$.contact', legacy: 'jane.roe@example.org', service: 'j.roe@example.org' })).toEqual({
      key: 'body:$.contact',
      legacy: '[redacted]',
      service: '[redacted]',
    });
    expect(redactor.difference({ key: 'body:$.total', legacy: 10, service: 11 })).toEqual({ key: 'body:$.total', legacy: 10, service: 11 });
  });

  it('never stores the tail of a body cut off inside a secret, nor binary bodies', () => {
    const cut = Buffer.from('<p>hello</p><meta name="csrf-token" content="Zm9vYmFyYmF6cXV4MTIz');
    const stored = redactor.body(cut, 'text/html', true) as string;
    expect(stored).not.toContain('Zm9v');
    expect(stored.startsWith('<p>hello</p>')).toBe(true);
    expect(redactor.body(Buffer.from('%PDF-1.7 jane.roe@example.org'), 'application/pdf')).toBe('(29 bytes of application/pdf)');
    const large = redactor.body(Buffer.from(`${'a '.repeat(3_000)}jane.roe@example.org`), 'text/plain') as string;
    expect(large.length).toBeLessThan(4_200);
    expect(large).toMatch(/… \(6020 bytes\)$/);
  });

  it('finds Luhn-valid 13-19 digit runs only', () => {
    expect(redactText('4111111111111111 and 4111111111111112')).toBe('[redacted] and 4111111111111112');
    expect(redactText('378282246310005')).toBe('[redacted]'); // 15 digits (Amex test number)
    expect(redactText('12345678901234567890123')).toBe('12345678901234567890123'); // longer run: not a card
    expect(redactText('order 42, 2024-01-01')).toBe('order 42, 2024-01-01');
  });
});
