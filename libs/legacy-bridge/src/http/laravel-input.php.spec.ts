import { runPhp } from '../__fixtures__/php-cli.js';
import { rawInputField } from './laravel-input.js';

type Field = { kind: 'absent' } | { kind: 'string'; value: string } | { kind: 'array' };

const FORMS = [
  '_token=abc',
  '_token=a&_token=b',
  'a=1&_token=x&b=2',
  '_token[]=a&_token[]=b',
  '_token[x]=a',
  '_token[x][y]=a',
  '_token=x&_token[]=y',
  '_token[]=y&_token=x',
  '.token=a',
  '%20_token=a',
  '++_token=a',
  '_token%5B%5D=a',
  '_token[=a',
  '_token]=a',
  '[_token]=a',
  '_TOKEN=a',
  '_token',
  '_token=',
  '_token=+a+b+',
  '_token=%zz%4',
  '_token=caf%C3%A9',
  '_token=a=b',
  '_token=a;_method=PUT',
  '_method=PUT',
  '_method=put&_method=DELETE',
  '_method[]=PUT',
  '_me.thod=PATCH',
];

describe("the form fields Laravel reads for _token and _method, as PHP's parse_str registers them", () => {
  it('finds the same value (or array, or nothing) as $_POST[name]', () => {
    const names = ['_token', '_method'];
    const php = runPhp<Field[][]>(
      `return array_map(function (string $form) use ($input) {
          parse_str($form, $post);
          return array_map(fn (string $name) => !array_key_exists($name, $post) ? ['kind' => 'absent'] : (is_array($post[$name]) ? ['kind' => 'array'] : ['kind' => 'string', 'value' => $post[$name]]), $input['names']);
      }, $input['forms']);`,
      { forms: FORMS, names },
    );
    const field = (value: unknown): Field =>
      value === undefined ? { kind: 'absent' } : Array.isArray(value) ? { kind: 'array' } : { kind: 'string', value: String(value) };
    const ours = FORMS.map((form) => names.map((name) => field(rawInputField(name, '', Buffer.from(form, 'latin1'), 'form', undefined))));
    for (let index = 0; index < FORMS.length; index++) expect({ form: FORMS[index], fields: ours[index] }).toEqual({ form: FORMS[index], fields: php[index] });
  });

  it('reads the query string by the same rules when the body has no such field', () => {
    expect(rawInputField('_method', '.method=PATCH&x=1', Buffer.from('a=1'), 'form', undefined)).toBe('PATCH');
    expect(rawInputField('_method', '_method=PATCH', Buffer.from('_method=PUT'), 'form', undefined)).toBe('PUT');
  });
});
