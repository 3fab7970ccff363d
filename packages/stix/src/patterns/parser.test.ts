import { describe, expect, it } from 'vitest';
import { isIntelshareError } from '../errors/intelshare-error';
import { parsePattern } from './parser';
import { isPatternError, type PatternError } from './pattern-error';
import { printPattern } from './printer';
import { stripLocations } from './strip-locations';

// Every example pattern of STIX 2.1 Part 5 (§9 examples, as collected in the OASIS
// pattern validator's spec_examples), plus the 2.1 START/STOP and quoted-extension forms.
const SPEC_EXAMPLES = [
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf']",
  "[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 SECONDS",
  "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary']",
  "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
  "[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
  "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
  '[file:extensions.windows-pebinary-ext.sections[*].entropy > 7.0]',
  "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
  "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
  "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
  "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
  "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
  "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
  "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\CryptoLocker_0388']",
  "[(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z']",
  "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
  "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
  "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES'^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
  "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
  "([file:name = 'foo.dll'] AND [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) OR [process:name = 'fooproc' OR process:name = 'procfoo']",
  "[ipv4-addr:value = '203.0.113.1' OR ipv4-addr:value = '203.0.113.2'] START t'2017-03-12T08:30:00.000Z' STOP t'2017-03-12T08:31:00.000Z'",
  "[file:size IN (1, 2, 3) AND NOT file:name LIKE 'a%']".replace(
    'AND NOT file:name LIKE',
    'AND file:name NOT LIKE',
  ),
  "[file:name NOT = 'x' AND file:size NOT >= 10 AND EXISTS file:mime_type AND file:name NOT IN ('a', 'b')]",
  "[artifact:payload_bin = b'SGVsbG8=' AND file:size <= -1 AND x-thing:flag = true AND x-thing:ratio < -0.5]",
  '[x-thing:list[0].deep[-1] != false]',
];

describe('parsePattern: STIX 2.1 Part 5 examples', () => {
  it.each(SPEC_EXAMPLES)('parses and round-trips %s', (text) => {
    const ast = parsePattern(text);
    const printed = printPattern(ast);
    const again = parsePattern(printed);
    expect(stripLocations(again)).toEqual(stripLocations(ast));
    expect(printPattern(again)).toBe(printed);
  });

  it('builds the tree with spec precedence (AND over OR over FOLLOWEDBY)', () => {
    const ast = parsePattern('[a:b = 1] FOLLOWEDBY [a:b = 2] OR [a:b = 3] AND [a:b = 4]');
    expect(printPattern(ast)).toBe('[a:b = 1] FOLLOWEDBY [a:b = 2] OR [a:b = 3] AND [a:b = 4]');
    const e = ast.expression;
    expect(e.kind === 'observation-op' && e.operator).toBe('FOLLOWEDBY');
    if (e.kind !== 'observation-op' || e.right.kind !== 'observation-op') throw new Error('shape');
    expect(e.right.operator).toBe('OR');
    expect(e.right.right.kind === 'observation-op' && e.right.right.operator).toBe('AND');
  });

  it('binds qualifiers to the nearest observation expression', () => {
    const ast = parsePattern('[a:b = 1] AND [a:b = 2] WITHIN 5 SECONDS');
    const e = ast.expression;
    if (e.kind !== 'observation-op') throw new Error('shape');
    expect(e.right.kind).toBe('qualified');
    expect(printPattern(ast)).toBe('[a:b = 1] AND [a:b = 2] WITHIN 5 SECONDS');
    expect(printPattern(parsePattern('([a:b = 1] AND [a:b = 2]) WITHIN 5.5 SECONDS'))).toBe(
      '([a:b = 1] AND [a:b = 2]) WITHIN 5.5 SECONDS',
    );
  });

  it('prints parentheses only where needed and keeps right-nested groups', () => {
    expect(printPattern(parsePattern('[a:b = 1 AND (a:c = 2 OR a:d = 3)]'))).toBe(
      '[a:b = 1 AND (a:c = 2 OR a:d = 3)]',
    );
    expect(printPattern(parsePattern('[(a:b = 1 AND a:c = 2) OR a:d = 3]'))).toBe(
      '[a:b = 1 AND a:c = 2 OR a:d = 3]',
    );
    expect(printPattern(parsePattern('[a:b = 1] AND ([a:b = 2] AND [a:b = 3])'))).toBe(
      '[a:b = 1] AND ([a:b = 2] AND [a:b = 3])',
    );
  });

  it('decodes string escapes and keeps positions', () => {
    const ast = parsePattern("[file:name = 'it\\'s \\\\ here']");
    if (ast.expression.kind !== 'observation') throw new Error('shape');
    const c = ast.expression.comparison;
    if (c.kind !== 'comparison' || Array.isArray(c.value)) throw new Error('shape');
    expect(c.value).toMatchObject({ kind: 'string', value: "it's \\ here" });
    expect(c.path.loc).toEqual({ offset: 1, line: 1, column: 2 });
    expect(c.value.loc).toEqual({ offset: 13, line: 1, column: 14 });
  });

  it('reads `==` as the equality operator `=` (STIX 2.1 Part 9 grammar: EQ)', () => {
    const ast = parsePattern("[file:name == 'a']");
    expect(stripLocations(ast)).toEqual(stripLocations(parsePattern("[file:name = 'a']")));
    expect(printPattern(ast)).toBe("[file:name = 'a']");
  });

  it('takes each qualifier kind once per expression, again around parentheses', () => {
    const text =
      "([file:name = 'a'] WITHIN 5 SECONDS REPEATS 2 TIMES) WITHIN 60 SECONDS START t'2026-01-01T00:00:00Z' STOP t'2026-01-02T00:00:00Z'";
    const ast = parsePattern(text);
    expect(printPattern(ast)).toBe(text);
  });

  it('parses object types it does not know (the validator warns)', () => {
    const ast = parsePattern("[x-acme-sensor:reading = 5] AND [weird-type:v = 'a']");
    expect(ast.expression.kind).toBe('observation-op');
  });

  it('tracks lines and skips comments', () => {
    const ast = parsePattern(
      "/* hello */\n[file:name = 'a'] // trailing\n  AND\n  [file:size = 3]",
    );
    const e = ast.expression;
    if (e.kind !== 'observation-op') throw new Error('shape');
    expect(e.right.loc).toEqual({ offset: 50, line: 4, column: 3 });
  });
});

function syntaxError(text: string): PatternError {
  try {
    parsePattern(text);
  } catch (error) {
    if (isPatternError(error)) return error;
    throw error;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('parsePattern: invalid patterns', () => {
  const cases: [string, string, number, number][] = [
    ['file:size = 1280', 'PATTERN_SYNTAX', 1, 1],
    ['[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]', 'PATTERN_SYNTAX', 1, 20],
    ['[file.size = 1280]', 'PATTERN_SYNTAX', 1, 6],
    ['[file:size = ]', 'PATTERN_SYNTAX', 1, 14],
    ["[file:name = 'abc]", 'PATTERN_SYNTAX', 1, 14],
    ["[file:name = 'a\\nb']", 'PATTERN_SYNTAX', 1, 16],
    ["[file:name = 'a']]", 'PATTERN_SYNTAX', 1, 18],
    ["[file:name = 'a'", 'PATTERN_SYNTAX', 1, 17],
    ["[file:name === 'a']", 'PATTERN_SYNTAX', 1, 14],
    ["[file:name = 'a'] WITHIN 5 SECONDS WITHIN 6 SECONDS", 'PATTERN_SYNTAX', 1, 36],
    ["[file:name = 'a'] REPEATS 2 TIMES WITHIN 5 SECONDS REPEATS 3 TIMES", 'PATTERN_SYNTAX', 1, 52],
    [
      "([file:name = 'a'] AND [file:name = 'b']) START t'2026-01-01T00:00:00Z' STOP t'2026-01-02T00:00:00Z' START t'2026-01-01T00:00:00Z' STOP t'2026-01-02T00:00:00Z'",
      'PATTERN_SYNTAX',
      1,
      102,
    ],
    ['[file:size > true]', 'PATTERN_SYNTAX', 1, 12],
    ['[file:name LIKE 5]', 'PATTERN_SYNTAX', 1, 12],
    ['[file:size = 012]', 'PATTERN_SYNTAX', 1, 14],
    ["[file:created = t'2014-13-13T07:03:17Z']", 'PATTERN_SYNTAX', 1, 17],
    ["[file:created = t'2014-02-30T07:03:17Z']", 'PATTERN_SYNTAX', 1, 17],
    ["[file:created = t'2014-01-13 07:03:17']", 'PATTERN_SYNTAX', 1, 17],
    ["[file:magic_number_hex = h'fff']", 'PATTERN_SYNTAX', 1, 26],
    ["[file:magic_number_hex = h'zz']", 'PATTERN_SYNTAX', 1, 28],
    ["[artifact:payload_bin = b'abc']", 'PATTERN_SYNTAX', 1, 25],
    ['[a:b = 1] WITHIN -5 SECONDS', 'PATTERN_SYNTAX', 1, 18],
    ['[a:b = 1] WITHIN 5', 'PATTERN_SYNTAX', 1, 19],
    ['[a:b = 1] REPEATS 2.5 TIMES', 'PATTERN_SYNTAX', 1, 19],
    ["[a:b = 1] START t'2016-01-01T00:00:00Z'", 'PATTERN_SYNTAX', 1, 40],
    ['[a:b = 1] FOLLOWEDBY', 'PATTERN_SYNTAX', 1, 21],
    ["[a:b IN 'x']", 'PATTERN_SYNTAX', 1, 9],
    ["[a:b IN ('x' 'y')]", 'PATTERN_SYNTAX', 1, 14],
    ['[a:[0] = 1]', 'PATTERN_SYNTAX', 1, 4],
    ['[a:b = 1] and [a:b = 2]', 'PATTERN_SYNTAX', 1, 11],
    ['[a:b ! 1]', 'PATTERN_SYNTAX', 1, 6],
    ["[a:b = 1]\n  AND [a:b =\n 'x' ]]", 'PATTERN_SYNTAX', 3, 7],
    ['/* never closed [a:b = 1]', 'PATTERN_SYNTAX', 1, 1],
  ];
  it.each(cases)('rejects %s with %s at %d:%d', (text, code, line, column) => {
    const error = syntaxError(text);
    expect(isIntelshareError(error)).toBe(true);
    expect(error.code).toBe(code);
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
  });

  it('names the problem in one sentence', () => {
    expect(syntaxError("[file:name = 'abc]").message).toMatchInlineSnapshot(
      `"Unterminated string literal (at line 1, column 14)"`,
    );
    expect(syntaxError("[file:name = 'a\\qb']").message).toMatchInlineSnapshot(
      `"Invalid escape \`\\q\` in string literal (only \\' and \\\\ are allowed) (at line 1, column 16)"`,
    );
  });
});

describe('parsePattern: hostile input is answered in bounded time', () => {
  it('limits nesting depth', () => {
    const deep = `${'('.repeat(100_000)}[a:b = 1]${')'.repeat(100_000)}`;
    const error = syntaxError(deep);
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.column).toBe(65);
    expect(syntaxError(`[${'('.repeat(5000)}a:b = 1${')'.repeat(5000)}]`).code).toBe(
      'LIMIT_EXCEEDED',
    );
  });

  it('limits length and term count', () => {
    expect(syntaxError(`[a:b = '${'x'.repeat(2_000_000)}']`).code).toBe('LIMIT_EXCEEDED');
    const many = Array.from({ length: 20_000 }, () => '[a:b = 1]').join(' AND ');
    expect(syntaxError(many).code).toBe('LIMIT_EXCEEDED');
  });

  it('parses a 1 MB string literal in linear time', () => {
    const big = 'x'.repeat(1_000_000);
    const ast = parsePattern(`[a:b = '${big}']`);
    expect(printPattern(ast).length).toBe(1_000_010);
    expect(syntaxError(`[a:b = '${big}`).message).toContain('Unterminated string literal');
    expect(syntaxError(`[a:b = '${'\\'.repeat(999_999)}x']`).code).toBe('PATTERN_SYNTAX');
  });

  it('throws TypeError for a non-string', () => {
    expect(() => parsePattern(42 as unknown as string)).toThrow(TypeError);
  });
});
