import { describe, expect, it } from 'vitest';
import { isIntelshareError } from '../errors/intelshare-error';
import { generateScoId } from '../ids/sco-id';
import { compilePattern } from '../patterns/matcher';
import { isBitcoinAddress } from './bitcoin';
import { extractIocs } from './extract-iocs';
import { iocsToIndicators, iocsToObservables } from './iocs-to-stix';
import { defang, refang } from './refang';

const pairs = (text: string) => extractIocs(text).map((i) => `${i.type} ${i.value}`);

describe('extractIocs', () => {
  it('finds each kind', () => {
    const report = [
      'The loader beacons to hxxps://cdn-update[.]example[.]com/gate.php?id=7 and 198.51.100.7:443.',
      'Fallback C2: 2001:db8:dead:beef::1, netblock 203.0.113.0/24, AS13335 / ASN 15169.',
      'Phish from billing[@]invoices-online[.]net; exploit CVE-2024-3400 (PAN-OS).',
      'MD5 44d88612fea8a8f36de82e1278abb02f, SHA-1 3395856ce81f2b7382dee72602f798b642f14140,',
      'SHA-256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f.',
      'SHA-512 cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e.',
      'Ransom to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq.',
      'Mail relay mx1.mail-relay.co.uk.',
    ].join('\n');
    expect(pairs(report)).toEqual([
      'url https://cdn-update.example.com/gate.php?id=7',
      'domain-name cdn-update.example.com',
      'ipv4-addr 198.51.100.7',
      'ipv6-addr 2001:db8:dead:beef::1',
      'ipv4-addr 203.0.113.0/24',
      'asn AS13335',
      'asn AS15169',
      'email-addr billing@invoices-online.net',
      'cve CVE-2024-3400',
      'md5 44d88612fea8a8f36de82e1278abb02f',
      'sha1 3395856ce81f2b7382dee72602f798b642f14140',
      'sha256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
      'sha512 cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
      'bitcoin-address 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
      'bitcoin-address bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
      'domain-name mx1.mail-relay.co.uk',
    ]);
  });

  it('refangs the common defanged forms and says so', () => {
    expect(
      extractIocs(
        'evil(dot)com evil2 [dot] org hxxp://x[.]evil3[.]net bob(at)evil4.com 10[.]1[.]2[.]3',
      ),
    ).toEqual([
      { type: 'domain-name', value: 'evil.com', defanged: true },
      { type: 'domain-name', value: 'evil2.org', defanged: true },
      { type: 'url', value: 'http://x.evil3.net', defanged: true },
      { type: 'domain-name', value: 'x.evil3.net', defanged: true },
      { type: 'email-addr', value: 'bob@evil4.com', defanged: true },
      { type: 'ipv4-addr', value: '10.1.2.3', defanged: true },
    ]);
  });

  it('keeps false positives down', () => {
    expect(
      pairs(
        'Opened invoice.pdf, report.exe and archive.zip with setup.sh; upgraded to version 1.2.3.4, build 10.0.19041.1 ' +
          'and Version: 2.0.0.1; time 12:30:45; 999.1.1.1; 00000000000000000000000000000000; ' +
          'node.js and config.local; e.g. i.e. mr.smith',
      ),
    ).toEqual([]);
    expect(pairs('but defanged archive[.]zip is an indicator')).toEqual([
      'domain-name archive.zip',
    ]);
    expect(pairs('as 1234 things')).toEqual([]);
  });

  it('validates Bitcoin checksums', () => {
    expect(isBitcoinAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toBe(true);
    expect(isBitcoinAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3')).toBe(false);
    expect(isBitcoinAddress('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy')).toBe(true);
    expect(isBitcoinAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr')).toBe(false);
  });

  it('filters kinds, bounds the input and stays linear on hostile text', () => {
    expect(extractIocs('1.2.3.4 evil.com', { types: ['domain-name'] }).map((i) => i.value)).toEqual(
      ['evil.com'],
    );
    try {
      extractIocs('x'.repeat(101), { maxLength: 100 });
      throw new Error('accepted');
    } catch (error) {
      expect(isIntelshareError(error) && error.code).toBe('LIMIT_EXCEEDED');
    }
    const hostile = `${'a'.repeat(200_000)}@${'b.'.repeat(100_000)} ${'1.'.repeat(200_000)} ${'hxxp'.repeat(50_000)}${' '.repeat(1_000_000)}x${'\t'.repeat(100_000)}[dot] ${':'.repeat(1_000_000)}x`;
    expect(extractIocs(hostile)).toEqual([]);
  });
});

describe('defang and refang', () => {
  it.each([
    ['https://evil.example.com/a.php?x=1', 'hxxps[://]evil[.]example[.]com/a.php?x=1'],
    ['http://198.51.100.7/', 'hxxp[://]198[.]51[.]100[.]7/'],
    ['ftp://files.example.com', 'fxp[://]files[.]example[.]com'],
    ['bob@evil.example.com', 'bob[@]evil[.]example[.]com'],
    ['198.51.100.7', '198[.]51[.]100[.]7'],
  ])('%s ⇄ %s', (value, defanged) => {
    expect(defang(value)).toBe(defanged);
    expect(refang(defanged)).toBe(value);
  });
});

describe('iocsToObservables and iocsToIndicators', () => {
  const iocs = extractIocs(
    "hxxp://evil[.]com/o'neil 198.51.100.0/24 44d88612fea8a8f36de82e1278abb02f AS64500 CVE-2024-3400",
  );

  it('builds SCOs with deterministic ids', () => {
    const scos = iocsToObservables(iocs);
    expect(scos.map((s) => s.type)).toEqual([
      'url',
      'domain-name',
      'ipv4-addr',
      'file',
      'autonomous-system',
    ]);
    for (const sco of scos) {
      const { id, spec_version: _v, ...body } = sco;
      expect(id).toBe(generateScoId(body));
      expect(id).toMatch(/--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/);
    }
    expect(iocsToObservables(iocs)).toEqual(scos);
  });

  it('builds indicators whose patterns match their own observables', () => {
    const indicators = iocsToIndicators(iocs, { timestamp: '2026-01-01T00:00:00.000Z' });
    expect(indicators.map((i) => i.pattern)).toEqual([
      "[url:value = 'http://evil.com/o\\'neil']",
      "[domain-name:value = 'evil.com']",
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
      "[file:hashes.MD5 = '44d88612fea8a8f36de82e1278abb02f']",
      '[autonomous-system:number = 64500]',
    ]);
    const scos = iocsToObservables(iocs);
    indicators.forEach((indicator, i) => {
      const sco = { ...scos[i]! };
      if (sco.type === 'ipv4-addr') sco.value = '198.51.100.77';
      const observed = {
        id: 'observed-data--x',
        first_observed: '2026-01-02T00:00:00Z',
        last_observed: '2026-01-02T00:00:00Z',
        number_observed: 1,
        objects: { '0': sco },
      };
      expect(compilePattern(indicator.pattern).match([observed]).matched).toBe(true);
    });
    expect(iocsToIndicators(iocs, { timestamp: '2026-01-01T00:00:00.000Z' })[0]?.id).toBe(
      indicators[0]?.id,
    );
  });
});
