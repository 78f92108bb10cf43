import { execFileSync } from 'node:child_process';
import { CorruptPhpSerializationError, PhpObject, UnexpectedPhpClassError } from './php-object.js';
import { decodePhpSessionData } from '../symfony/symfony-session.js';
import { unserializeLossless } from './php-serialized.js';
import { phpUnserialize, phpUnserializeBounded } from './php-unserialize.js';

/** PHP's own output for a snippet (`$out` is echoed). */
const php = (code: string) => execFileSync('php', ['-r', `${code} echo $out;`], { encoding: 'utf8' });

describe('phpUnserializeBounded against what PHP serializes', () => {
  it('reads scalars, lists, maps, multi-byte strings and objects with mangled and integer keys', () => {
    const serialized = php(`
      class Point { private $x = 1; protected $y = 'é|;"}'; public $z = null; }
      class Packed { public function __serialize(): array { return [true, 2.5, -7, [1 => 'b', 'k' => 'v']]; } }
      $out = serialize([1, 'two', new Point(), new Packed(), PHP_INT_MAX, 0.1]);
    `);
    expect(phpUnserializeBounded(serialized, { allowedClasses: ['Point', 'Packed'] })).toEqual([
      1,
      'two',
      new PhpObject('Point', { x: 1, y: 'é|;"}', z: null }),
      new PhpObject('Packed', { '0': true, '1': 2.5, '2': -7, '3': { '1': 'b', k: 'v' } }),
      BigInt('9223372036854775807'),
      0.1,
    ]);
  });

  it('refuses a class outside the list before reading it, and broken or trailing input', () => {
    const serialized = php(`class Other {} $out = serialize(['a' => new Other()]);`);
    expect(() => phpUnserializeBounded(serialized, { allowedClasses: [] })).toThrow(UnexpectedPhpClassError);
    for (const broken of [serialized.slice(0, -1), `${serialized}x`, 's:5:"abc";', 'a:1:{i:0;R:1;}', 'i:1', 'O:5:"Evil\\":0:{}']) {
      expect(() => phpUnserializeBounded(broken, { allowedClasses: ['Other'] })).toThrow(CorruptPhpSerializationError);
    }
  });

  it('resolves references as PHP numbers them (keys not counted, r: counted, R: not) only where asked to', () => {
    const serialized = php(`
      $o = new stdClass(); $o->id = 1; $list = [1, 2];
      $value = ['o' => $o, 'again' => $o, 'in' => [$o], 'list' => &$list, 'same' => &$list, 'last' => 'x'];
      $out = serialize($value);
    `);
    expect(serialized).toMatch(/"again";r:2;.*\{i:0;r:2;\}.*"same";R:7;/);
    const object = new PhpObject('stdClass', { id: 1 });
    const value = phpUnserialize(serialized) as Record<string, unknown>;
    expect(value).toEqual({ o: object, again: object, in: [object], list: [1, 2], same: [1, 2], last: 'x' });
    expect(value.again).toBe(value.o);
    expect(() => phpUnserializeBounded(serialized, { allowedClasses: 'any' })).toThrow(CorruptPhpSerializationError);
    expect(() => unserializeLossless(Buffer.from(serialized), ['stdClass'])).toThrow(CorruptPhpSerializationError);
  });

  it('splits PHP’s own session encoding (session.serialize_handler=php), values holding | and ;, references across variables', () => {
    const encoded = php(`
      session_start(['save_path' => sys_get_temp_dir(), 'use_cookies' => 0]);
      $_SESSION['_sf2_attributes'] = ['a|b' => 'x;y|z', 'n' => 1];
      $_SESSION['_sf2_meta'] = ['u' => 5];
      $out = session_encode();
      session_destroy();
    `);
    expect(decodePhpSessionData(encoded)).toEqual({ _sf2_attributes: { 'a|b': 'x;y|z', n: 1 }, _sf2_meta: { u: 5 } });
    expect(decodePhpSessionData(encoded.slice(0, -2))).toBeUndefined();

    // One numbering of values across the variables, as session_decode() reads them.
    const shared = php(`
      session_start(['save_path' => sys_get_temp_dir(), 'use_cookies' => 0]);
      $o = new stdClass(); $o->id = 3;
      $_SESSION['_sf2_attributes'] = ['_security_main' => 'token', 'a' => $o, 'b' => $o];
      $_SESSION['_sf2_meta'] = ['u' => 5, 'o' => $o];
      $out = session_encode();
      session_destroy();
    `);
    expect(shared).toMatch(/"o";r:3;\}$/);
    const session = decodePhpSessionData(shared) as Record<string, Record<string, unknown>>;
    const object = new PhpObject('stdClass', { id: 3 });
    expect(session).toEqual({ _sf2_attributes: { _security_main: 'token', a: object, b: object }, _sf2_meta: { u: 5, o: object } });
    expect(session._sf2_meta.o).toBe(session._sf2_attributes.a);
  });
});
