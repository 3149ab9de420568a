import fc from 'fast-check';

/** Arguments a shell would love to interpret: every one must arrive as it was sent. */
export const hostileArgs: readonly string[] = [
  '',
  ' ',
  "'",
  "''",
  "it's",
  '"',
  '\\',
  "\\'",
  '$(id)',
  '`id`',
  '${HOME}',
  '$HOME',
  '$0',
  '$@',
  'a;b',
  'a|b',
  'a&b',
  'a && b',
  '> /tmp/x',
  '< /etc/passwd',
  '*',
  '?',
  '[a-z]*',
  '~',
  '~root',
  '-n',
  '--',
  '-rf /',
  'line1\nline2',
  '\n',
  '\r\n',
  '\t',
  '#comment',
  '!!',
  '%n\t%v',
  '中文 参数',
  'é',
  '🎉',
  'a=b',
  '{a,b}',
  "'; rm -rf / #",
];

const alphabet = fc.constantFrom(...`'"\\$\`;|&<>(){}[]*?~!#=%\n\r\t -_.,/:@ abcXYZ019`.split(''), 'é', '中', '🎉', '\u00a0', '\u2028');

/** Words made of shell metacharacters, quotes, whitespace, unicode; never NUL (no argv can hold it). */
export const hostileWord: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...hostileArgs),
  fc.string({ unit: alphabet, maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0')),
);
