import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStix, parseStixStream, type StixIssue, validateStixObject } from '../src/index';
import { COUNTRY_CODE_COUNT, isCountryCode } from '../src/model/formats/country-code';
import { malware, relationship } from './support/valid-objects';

// Issue 15 "Values": each rule of STIX 2.1 Parts 3-7 on property values, with a negative and
// a positive case asserting the code, the severity and the path.

const sco = (
  type: string,
  props: Record<string, unknown>,
  id = 'ff26c055-6336-5bc5-b98d-13d6226742dd',
) => ({
  type,
  spec_version: '2.1',
  id: `${type}--${id}`,
  ...props,
});
const sdo = (type: string, props: Record<string, unknown>) => ({
  type,
  spec_version: '2.1',
  id: `${type}--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f`,
  created: '2016-04-06T20:03:48.000Z',
  modified: '2016-04-06T20:03:48.000Z',
  ...props,
});

const issuesOf = (object: unknown, custom = false) =>
  validateStixObject(object, { allowCustom: custom }).map(
    (issue) => [issue.code, issue.severity, issue.path] as const,
  );

type Case = [
  rule: string,
  bad: Record<string, unknown>,
  expected: readonly [StixIssue['code'], StixIssue['severity'], string],
  good: Record<string, unknown>,
];

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const TLP_GREEN = {
  type: 'marking-definition',
  spec_version: '2.1',
  id: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  created: '2017-01-20T00:00:00.000Z',
  definition_type: 'tlp',
  name: 'TLP:GREEN',
  definition: { tlp: 'green' },
};

const CASES: Case[] = [
  [
    'ipv4 value is an address',
    sco('ipv4-addr', { value: 'foo' }),
    ['INVALID_IP_ADDRESS', 'error', 'value'],
    sco('ipv4-addr', { value: '198.51.100.3' }),
  ],
  [
    'ipv4 CIDR prefix in range',
    sco('ipv4-addr', { value: '10.0.0.0/33' }),
    ['INVALID_IP_ADDRESS', 'error', 'value'],
    sco('ipv4-addr', { value: '10.0.0.0/8' }),
  ],
  [
    'ipv4 prefix without leading zeros',
    sco('ipv4-addr', { value: '10.0.0.0/08' }),
    ['INVALID_IP_ADDRESS', 'error', 'value'],
    sco('ipv4-addr', { value: '0.0.0.0/0' }),
  ],
  [
    'ipv4 no trailing slash',
    sco('ipv4-addr', { value: '10.0.0.0/' }),
    ['INVALID_IP_ADDRESS', 'error', 'value'],
    sco('ipv4-addr', { value: '10.0.0.0/32' }),
  ],
  [
    'ipv4 value is not IPv6',
    sco('ipv4-addr', { value: '2001:db8::1' }),
    ['INVALID_IP_ADDRESS', 'error', 'value'],
    sco('ipv4-addr', { value: '255.255.255.255' }),
  ],
  [
    'ipv6 value is an address',
    sco('ipv6-addr', { value: '1.2.3.4' }),
    ['INVALID_IP_ADDRESS', 'error', 'value'],
    sco('ipv6-addr', { value: '2001:db8::1' }),
  ],
  [
    'ipv6 CIDR prefix in range',
    sco('ipv6-addr', { value: '2001:db8::/129' }),
    ['INVALID_IP_ADDRESS', 'error', 'value'],
    sco('ipv6-addr', { value: '2001:db8::/32' }),
  ],
  [
    'ipv6 one `::` only',
    sco('ipv6-addr', { value: '2001:db8::1::2' }),
    ['INVALID_IP_ADDRESS', 'error', 'value'],
    sco('ipv6-addr', { value: '::ffff:192.0.2.1' }),
  ],
  [
    'email is an addr-spec without display name',
    sco('email-addr', { value: 'Jane <jane@example.com>' }),
    ['INVALID_EMAIL_ADDRESS', 'error', 'value'],
    sco('email-addr', { value: 'jane.smith@example.com', display_name: 'Jane' }),
  ],
  [
    'email needs a domain',
    sco('email-addr', { value: 'jane@' }),
    ['INVALID_EMAIL_ADDRESS', 'error', 'value'],
    sco('email-addr', { value: '"jane doe"@[192.0.2.1]' }),
  ],
  [
    'url.value is a URI',
    sco('url', { value: 'http://exa mple.com/' }),
    ['INVALID_URL', 'error', 'value'],
    sco('url', { value: 'https://example.com/a?b=c#d' }),
  ],
  [
    'url.value has a scheme',
    sco('url', { value: 'example.com/x' }),
    ['INVALID_URL', 'error', 'value'],
    sco('url', { value: 'http://[2001:db8::1]:8080/x' }),
  ],
  [
    'url percent-encoding is well formed',
    sco('url', { value: 'http://x.example/%zz' }),
    ['INVALID_URL', 'error', 'value'],
    sco('url', { value: 'http://x.example/%7E' }),
  ],
  [
    'artifact.url is a URI',
    sco('artifact', { url: 'not a url', hashes: { MD5 } }),
    ['INVALID_URL', 'error', 'url'],
    sco('artifact', { url: 'https://example.com/a.bin', hashes: { MD5 } }),
  ],
  [
    'mime_type is type/subtype',
    sco('file', { name: 'a', mime_type: 'application' }),
    ['INVALID_MIME_TYPE', 'error', 'mime_type'],
    sco('file', { name: 'a', mime_type: 'application/zip' }),
  ],
  [
    'mime_type has no parameters',
    sco('artifact', { payload_bin: 'AA==', mime_type: 'text/plain; charset=utf-8' }),
    ['INVALID_MIME_TYPE', 'error', 'mime_type'],
    sco('artifact', { payload_bin: 'AA==', mime_type: 'text/plain' }),
  ],
  [
    'mime_type SHOULD be registered',
    sco('file', { name: 'a', mime_type: 'x-foo/bar' }),
    ['UNREGISTERED_MIME_TYPE', 'warning', 'mime_type'],
    sco('file', { name: 'a', mime_type: 'image/jpeg' }),
  ],
  [
    'name_enc is an IANA charset name',
    sco('file', { name: 'a', name_enc: 'latin1' }),
    ['INVALID_CHARSET', 'error', 'name_enc'],
    sco('file', { name: 'a', name_enc: 'windows-1252' }),
  ],
  [
    'path_enc is an IANA charset name',
    sco('directory', { path: '/a', path_enc: 'utf8' }),
    ['INVALID_CHARSET', 'error', 'path_enc'],
    sco('directory', { path: '/a', path_enc: 'utf-8' }),
  ],
  [
    'cpe is a CPE 2.3 formatted string',
    sco('software', { name: 'w', cpe: 'cpe:/a:microsoft:word:2016' }),
    ['INVALID_CPE', 'error', 'cpe'],
    sco('software', { name: 'w', cpe: 'cpe:2.3:a:microsoft:word:2016:*:*:*:*:*:*:*' }),
  ],
  [
    'cpe has 13 fields',
    sco('software', { name: 'w', cpe: 'cpe:2.3:a:microsoft:word' }),
    ['INVALID_CPE', 'error', 'cpe'],
    sco('software', { name: 'w', cpe: 'cpe:2.3:a:foo\\:bar:baz*:1.0:-:*:en-us:*:*:*:*' }),
  ],
  [
    'software.languages are RFC 5646 tags',
    sco('software', { name: 'w', languages: ['en', 'en_US'] }),
    ['INVALID_LANGUAGE_TAG', 'error', 'languages[1]'],
    sco('software', {
      name: 'w',
      languages: ['en', 'zh-Hant-TW', 'de-CH-1901', 'x-acme', 'i-klingon'],
    }),
  ],
  [
    'lang is an RFC 5646 tag',
    { ...malware(), lang: 'english language' },
    ['INVALID_LANGUAGE_TAG', 'error', 'lang'],
    { ...malware(), lang: 'sr-Latn-RS' },
  ],
  [
    'country SHOULD be ISO 3166-1 alpha-2',
    sdo('location', { country: 'UK' }),
    ['INVALID_COUNTRY', 'warning', 'country'],
    sdo('location', { country: 'gb' }),
  ],
  [
    'SHA-256 digests have 64 hex digits',
    sco('file', { hashes: { 'SHA-256': 'f00' } }),
    ['INVALID_VALUE', 'error', 'hashes.SHA-256'],
    sco('file', { hashes: { 'SHA-256': MD5 + MD5 } }),
  ],
  [
    'hash names are matched without regard to case',
    sco('file', { hashes: { 'sha-1': MD5 } }),
    ['INVALID_VALUE', 'error', 'hashes.sha-1'],
    sco('file', { hashes: { md5: MD5 } }),
  ],
  [
    'SSDEEP has its form',
    sco('file', { hashes: { SSDEEP: 'abc' } }),
    ['INVALID_VALUE', 'error', 'hashes.SSDEEP'],
    sco('file', { hashes: { SSDEEP: '3:a+b:c/d' } }),
  ],
  [
    'SDO ids SHOULD be UUIDv4',
    { ...malware(), id: 'malware--31b940d4-6f7f-559a-80ea-9c1f17b5891b' },
    ['UUID_VERSION', 'warning', 'id'],
    malware(),
  ],
  [
    'SCO ids SHOULD be UUIDv5',
    sco('url', { value: 'http://a.example/' }, '8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'),
    ['UUID_VERSION', 'warning', 'id'],
    sco('process', { pid: 1 }, '8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'),
  ],
  [
    'cve references carry a CVE id',
    { ...malware(), external_references: [{ source_name: 'cve', external_id: 'CVE-2020-123' }] },
    ['INVALID_EXTERNAL_ID', 'error', 'external_references[0].external_id'],
    { ...malware(), external_references: [{ source_name: 'cve', external_id: 'CVE-2021-44228' }] },
  ],
  [
    'capec references carry a CAPEC id',
    { ...malware(), external_references: [{ source_name: 'capec', external_id: 'capec-66' }] },
    ['INVALID_EXTERNAL_ID', 'error', 'external_references[0].external_id'],
    { ...malware(), external_references: [{ source_name: 'capec', external_id: 'CAPEC-66' }] },
  ],
  [
    'a cve reference needs its id',
    { ...malware(), external_references: [{ source_name: 'cve', description: 'x' }] },
    ['MISSING_PROPERTY', 'error', 'external_references[0].external_id'],
    { ...malware(), external_references: [{ source_name: 'acme', description: 'x' }] },
  ],
  [
    'a reference url SHOULD carry hashes',
    { ...malware(), external_references: [{ source_name: 'acme', url: 'https://example.com/r' }] },
    ['DEPENDENT_PROPERTY', 'warning', 'external_references[0].hashes'],
    {
      ...malware(),
      external_references: [{ source_name: 'acme', url: 'https://example.com/r', hashes: { MD5 } }],
    },
  ],
  [
    'kill_chain_name SHOULD be lowercase-hyphen',
    {
      ...malware(),
      kill_chain_phases: [{ kill_chain_name: 'Lockheed Martin', phase_name: 'exploitation' }],
    },
    ['NAME_STYLE', 'warning', 'kill_chain_phases[0].kill_chain_name'],
    {
      ...malware(),
      kill_chain_phases: [
        { kill_chain_name: 'lockheed-martin-cyber-kill-chain', phase_name: 'exploitation' },
      ],
    },
  ],
  [
    'phase_name SHOULD be lowercase-hyphen',
    {
      ...malware(),
      kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'initial_access' }],
    },
    ['NAME_STYLE', 'warning', 'kill_chain_phases[0].phase_name'],
    {
      ...malware(),
      kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'initial-access' }],
    },
  ],
  [
    'relationship types outside the suggestions',
    { ...relationship(), relationship_type: 'uses' },
    ['UNSUGGESTED_RELATIONSHIP', 'warning', 'relationship_type'],
    { ...relationship(), relationship_type: 'related-to' },
  ],
  [
    'custom property names SHOULD start with a letter',
    { ...malware(), _acme: 1 },
    ['INVALID_PROPERTY_NAME', 'warning', '_acme'],
    { ...malware(), x_acme: 1 },
  ],
  [
    'custom property names MUST be a-z, 0-9, _',
    { ...malware(), 'x-acme': 1 },
    ['INVALID_PROPERTY_NAME', 'error', 'x-acme'],
    { ...malware(), x_acme_2: 1 },
  ],
  [
    'language-content keys are language tags',
    sdo('language-content', { object_ref: malware().id, contents: { en_US: { name: 'x' } } }),
    ['INVALID_LANGUAGE_TAG', 'error', 'contents.en_US'],
    sdo('language-content', { object_ref: malware().id, contents: { 'de-CH': { name: 'x' } } }),
  ],
  [
    'language-content property names',
    sdo('language-content', { object_ref: malware().id, contents: { de: { Name: 'x' } } }),
    ['INVALID_PROPERTY_NAME', 'error', 'contents.de.Name'],
    sdo('language-content', {
      object_ref: malware().id,
      contents: { de: { name: 'x', description: 'y' } },
    }),
  ],
  [
    'official TLP ids carry the official content',
    { ...TLP_GREEN, name: 'TLP:GRN' },
    ['INVALID_TLP', 'error', ''],
    TLP_GREEN,
  ],
  [
    'official TLP ids carry nothing else',
    { ...TLP_GREEN, description: 'ours' },
    ['INVALID_TLP', 'error', ''],
    { ...TLP_GREEN, created: '2017-01-20T00:00:00Z' },
  ],
  [
    'definition_type outside the vocabulary',
    {
      ...TLP_GREEN,
      id: 'marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      definition_type: 'acme',
      definition: { acme: 1 },
    },
    ['OPEN_VOCAB', 'warning', 'definition_type'],
    {
      ...TLP_GREEN,
      id: 'marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      name: 'x',
      definition_type: 'statement',
      definition: { statement: 'x' },
    },
  ],
  [
    'malware-analysis needs result or analysis_sco_refs',
    sdo('malware-analysis', { product: 'av' }),
    ['AT_LEAST_ONE', 'error', ''],
    sdo('malware-analysis', { product: 'av', result: 'malicious' }),
  ],
  [
    'artifact needs payload_bin or url',
    sco('artifact', { mime_type: 'text/plain' }),
    ['AT_LEAST_ONE', 'error', ''],
    sco('artifact', { payload_bin: 'AA==' }),
  ],
  [
    'artifact not both payload_bin and url',
    sco('artifact', { payload_bin: 'AA==', url: 'https://a.example/', hashes: { MD5 } }),
    ['MUTUALLY_EXCLUSIVE', 'error', 'url'],
    sco('artifact', { url: 'https://a.example/', hashes: { MD5 } }),
  ],
  [
    'registry keys start with a full hive',
    sco('windows-registry-key', { key: 'HKLM\\Software\\Acme' }),
    ['INVALID_REGISTRY_KEY', 'error', 'key'],
    sco('windows-registry-key', { key: 'hkey_local_machine\\Software\\Acme' }),
  ],
];

describe('value rules: a negative and a positive case each', () => {
  it.each(CASES)('%s', (_rule, bad, expected, good) => {
    const custom = Object.keys(bad).some((key) => key.includes('acme'));
    expect(issuesOf(bad, custom)).toContainEqual(expected);
    expect(issuesOf(good, custom).filter(([code]) => code === expected[0])).toEqual([]);
  });

  it('MUST rules are warnings in lenient mode, and both parsers report them alike', async () => {
    const bad = sco('ipv4-addr', { value: '10.0.0.0/33' });
    const lenient = parseStix(bad, { mode: 'lenient' });
    expect(lenient.objects).toHaveLength(1);
    expect(lenient.issues.map((i) => [i.code, i.severity, i.path])).toEqual([
      ['INVALID_IP_ADDRESS', 'warning', 'value'],
    ]);
    const items = [];
    const bytes = new TextEncoder().encode(
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e',
        objects: [bad],
      }),
    );
    for await (const item of parseStixStream(new Blob([bytes]).stream())) items.push(item);
    expect(items.flatMap((item) => item.issues.map((i) => [i.code, i.severity, i.path]))).toEqual([
      ['INVALID_IP_ADDRESS', 'error', 'objects[0].value'],
    ]);
  });

  it('bundle ids SHOULD be UUIDv4', () => {
    const result = parseStix({
      type: 'bundle',
      id: 'bundle--6f1e8c2a-4d3b-1a51-9c2e-1f0a9b8c7d6e',
      objects: [],
    });
    expect(result.issues.map((i) => [i.code, i.severity, i.path])).toEqual([
      ['UUID_VERSION', 'warning', 'id'],
    ]);
  });

  it('the suggestion list is in the message', () => {
    const issue = validateStixObject({ ...relationship(), relationship_type: 'uses' }).find(
      (i) => i.code === 'UNSUGGESTED_RELATIONSHIP',
    );
    expect(issue?.message).toContain('`indicates`');
    // Custom types have no suggestions, so nothing is judged.
    const custom = {
      ...relationship(),
      relationship_type: 'uses',
      target_ref: 'x-acme--31b940d4-6f7f-459a-80ea-9c1f17b5891b',
    };
    expect(validateStixObject(custom, { allowCustom: true }).map((i) => i.code)).not.toContain(
      'UNSUGGESTED_RELATIONSHIP',
    );
  });

  it('the country list has the 249 assigned codes, each known to the Unicode CLDR', () => {
    expect(COUNTRY_CODE_COUNT).toBe(249);
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (const a of letters)
      for (const b of letters)
        if (isCountryCode(a + b)) expect(names.of(a + b), a + b).toBeDefined();
  });
});

// Random valid values pass; a single character changed to one the form cannot hold is caught.
const BREAKERS = [' ', '<', '\\'];

function breaks(value: string, at: number, breaker: string): string {
  const i = at % value.length;
  return value.slice(0, i) + breaker + value.slice(i + 1);
}

const alnum = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    minLength: min,
    maxLength: max,
  });
const alpha = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    minLength: min,
    maxLength: max,
  });

const languageTagArb = fc
  .tuple(
    alpha(2, 3),
    fc.option(alpha(4, 4), { nil: undefined }),
    fc.option(fc.oneof(alpha(2, 2), fc.integer({ min: 100, max: 999 }).map(String)), {
      nil: undefined,
    }),
    fc.option(alnum(5, 8), { nil: undefined }),
  )
  .map((parts) => parts.filter((part) => part !== undefined).join('-'));

const avArb = fc.oneof(alnum(1, 10), fc.constant('*'), fc.constant('-'));
const cpeArb = fc
  .tuple(
    fc.constantFrom('a', 'o', 'h'),
    fc.array(avArb, { minLength: 5, maxLength: 5 }),
    fc.oneof(alpha(2, 3), fc.constant('*'), fc.constant('-')),
    fc.array(avArb, { minLength: 4, maxLength: 4 }),
  )
  .map(
    ([part, first, language, rest]) => `cpe:2.3:${part}:${[...first, language, ...rest].join(':')}`,
  );

const KINDS: [
  string,
  fc.Arbitrary<string>,
  (v: string) => Record<string, unknown>,
  string,
  string,
][] = [
  ['IPv4', fc.ipV4(), (v) => sco('ipv4-addr', { value: v }), 'INVALID_IP_ADDRESS', 'value'],
  [
    'IPv4 CIDR',
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, n]) => `${ip}/${n}`),
    (v) => sco('ipv4-addr', { value: v }),
    'INVALID_IP_ADDRESS',
    'value',
  ],
  ['IPv6', fc.ipV6(), (v) => sco('ipv6-addr', { value: v }), 'INVALID_IP_ADDRESS', 'value'],
  [
    'email',
    fc.emailAddress(),
    (v) => sco('email-addr', { value: v }),
    'INVALID_EMAIL_ADDRESS',
    'value',
  ],
  [
    'URL',
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    (v) => sco('url', { value: v }),
    'INVALID_URL',
    'value',
  ],
  [
    'language tag',
    languageTagArb,
    (v) => ({ ...malware(), lang: v }),
    'INVALID_LANGUAGE_TAG',
    'lang',
  ],
  ['CPE 2.3', cpeArb, (v) => sco('software', { name: 'w', cpe: v }), 'INVALID_CPE', 'cpe'],
  [
    'media type',
    fc
      .tuple(fc.constantFrom('application', 'text', 'image'), alnum(1, 20))
      .map(([t, s]) => `${t}/${s}`),
    (v) => sco('file', { name: 'a', mime_type: v }),
    'INVALID_MIME_TYPE',
    'mime_type',
  ],
  [
    'charset',
    fc.constantFrom(
      'UTF-8',
      'utf-16le',
      'ISO-8859-15',
      'Shift_JIS',
      'windows-1251',
      'KOI8-R',
      'US-ASCII',
    ),
    (v) => sco('file', { name: 'a', name_enc: v }),
    'INVALID_CHARSET',
    'name_enc',
  ],
  [
    'country',
    fc.constantFrom('US', 'de', 'JP', 'br', 'ZA', 'NZ'),
    (v) => sdo('location', { country: v }),
    'INVALID_COUNTRY',
    'country',
  ],
];

describe('value forms (properties)', () => {
  it.each(KINDS)(
    '%s: random valid values pass, one broken character is caught',
    (_kind, arb, make, code, path) => {
      fc.assert(
        fc.property(arb, fc.nat(), fc.constantFrom(...BREAKERS), (value, at, breaker) => {
          expect(issuesOf(make(value)).filter(([c]) => c === code)).toEqual([]);
          const broken = breaks(value, at, breaker);
          expect(issuesOf(make(broken)).map(([c, , p]) => `${c} ${p}`)).toContain(
            `${code} ${path}`,
          );
        }),
        { numRuns: 150 },
      );
    },
  );

  it('run in linear time on long hostile values (no backtracking)', () => {
    const long = 'a'.repeat(200_000);
    for (const make of KINDS.map(([, , m]) => m))
      expect(() => validateStixObject(make(`${long}:${long}@${long}`))).not.toThrow();
  });
});
