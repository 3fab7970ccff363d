import { quoteStixString, scoId } from '../stix/sco-id';
import type { StixObject } from '../stix/stix-object';

/** A STIX pattern comparison built from one MISP value. */
export interface Comparison {
  /** The root object type, e.g. `file`; comparisons of one type share an observation. */
  root: string;
  text: string;
}

/** Comparisons and SCOs for one MISP attribute type/value, or `undefined` when unmapped. */
export interface MappedValue {
  comparisons: Comparison[];
  scos: StixObject[];
}

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(\/\d{1,2})?$/;
const HEX = /^[0-9a-f]+$/i;
const HASHES: Record<string, [string, number]> = {
  md5: ['MD5', 32],
  sha1: ['SHA-1', 40],
  sha256: ['SHA-256', 64],
  sha512: ['SHA-512', 128],
};

function hashPath(name: string): string {
  return name.includes('-') ? `'${name}'` : name;
}

function ip(value: string, path: (addrType: string) => string): MappedValue | undefined {
  const v = value.trim();
  const type = IPV4.test(v)
    ? 'ipv4-addr'
    : v.includes(':') && /^[0-9a-f:.]+(\/\d{1,3})?$/i.test(v)
      ? 'ipv6-addr'
      : undefined;
  if (!type) return undefined;
  return {
    comparisons: [
      { root: path(type).split(':')[0]!, text: `${path(type)} = ${quoteStixString(v)}` },
    ],
    scos: [{ type, spec_version: '2.1', id: scoId(type, { value: v }), value: v }],
  };
}

function single(type: string, property: string, value: string): MappedValue {
  const sco: StixObject = {
    type,
    spec_version: '2.1',
    id: scoId(type, { [property]: value }),
    [property]: value,
  };
  return {
    comparisons: [{ root: type, text: `${type}:${property} = ${quoteStixString(value)}` }],
    scos: [sco],
  };
}

function fileOf(
  name: string | undefined,
  hash: [string, string] | undefined,
): MappedValue | undefined {
  const comparisons: Comparison[] = [];
  const sco: StixObject = { type: 'file', spec_version: '2.1', id: '' };
  if (hash) {
    const spec = HASHES[hash[0]];
    if (!spec || hash[1].length !== spec[1] || !HEX.test(hash[1])) return undefined;
    sco.hashes = { [spec[0]]: hash[1].toLowerCase() };
    comparisons.push({
      root: 'file',
      text: `file:hashes.${hashPath(spec[0])} = ${quoteStixString(hash[1].toLowerCase())}`,
    });
  }
  if (name !== undefined) {
    sco.name = name;
    comparisons.push({ root: 'file', text: `file:name = ${quoteStixString(name)}` });
  }
  sco.id = scoId('file', sco.hashes ? { hashes: sco.hashes, ...(name ? { name } : {}) } : { name });
  return { comparisons, scos: [sco] };
}

/**
 * Maps a stand-alone MISP attribute to pattern comparisons and SCOs. Types with no clear
 * STIX equivalent return `undefined`; the caller keeps them as notes so nothing is lost.
 */
export function mapAttributeValue(type: string, value: string): MappedValue | undefined {
  const pipe = value.indexOf('|');
  const [left, right] = pipe >= 0 ? [value.slice(0, pipe), value.slice(pipe + 1)] : [value, ''];
  switch (type) {
    case 'ip-src':
      return ip(value, (t) => `${t}:value`);
    case 'ip-dst':
      return ip(value, (t) => `${t}:value`);
    case 'domain':
    case 'hostname':
      return /^[^\s'"]{1,253}$/.test(value) ? single('domain-name', 'value', value) : undefined;
    case 'url':
    case 'uri':
      return value.length <= 8192 ? single('url', 'value', value) : undefined;
    case 'email':
    case 'email-src':
    case 'email-dst':
      return value.includes('@') ? single('email-addr', 'value', value) : undefined;
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return fileOf(undefined, [type, value]);
    case 'filename':
      return fileOf(value, undefined);
    case 'filename|md5':
    case 'filename|sha1':
    case 'filename|sha256':
    case 'filename|sha512':
      return pipe >= 0 ? fileOf(left, [type.slice(9), right]) : undefined;
    case 'malware-sample':
      // The sample itself is not carried; its name and MD5 are.
      return pipe >= 0 ? fileOf(left, ['md5', right]) : undefined;
    case 'ip-dst|port':
    case 'ip-src|port': {
      const side = type.startsWith('ip-dst') ? 'dst' : 'src';
      const port = Number(right);
      const mapped = ip(left, () => `network-traffic:${side}_ref.value`);
      if (!mapped || !Number.isInteger(port) || port < 0 || port > 65535) return undefined;
      mapped.comparisons.push({
        root: 'network-traffic',
        text: `network-traffic:${side}_port = ${port}`,
      });
      return mapped;
    }
    case 'domain|ip': {
      const domain = single('domain-name', 'value', left);
      const address = ip(right, () => 'domain-name:resolves_to_refs[*].value');
      if (!address) return undefined;
      return {
        comparisons: [...domain.comparisons, ...address.comparisons],
        scos: [...domain.scos, ...address.scos],
      };
    }
    case 'mutex':
      return single('mutex', 'name', value);
    case 'regkey':
      return single('windows-registry-key', 'key', value);
    case 'AS': {
      const number = Number(value.replace(/^AS/i, ''));
      if (!Number.isInteger(number) || number < 0) return undefined;
      return {
        comparisons: [{ root: 'autonomous-system', text: `autonomous-system:number = ${number}` }],
        scos: [
          {
            type: 'autonomous-system',
            spec_version: '2.1',
            id: scoId('autonomous-system', { number }),
            number,
          },
        ],
      };
    }
    case 'x509-fingerprint-sha1':
    case 'x509-fingerprint-sha256':
    case 'x509-fingerprint-md5': {
      const algo = type.slice('x509-fingerprint-'.length);
      const spec = HASHES[algo];
      if (!spec || value.length !== spec[1] || !HEX.test(value)) return undefined;
      const hashes = { [spec[0]]: value.toLowerCase() };
      return {
        comparisons: [
          {
            root: 'x509-certificate',
            text: `x509-certificate:hashes.${hashPath(spec[0])} = ${quoteStixString(value.toLowerCase())}`,
          },
        ],
        scos: [
          {
            type: 'x509-certificate',
            spec_version: '2.1',
            id: scoId('x509-certificate', { hashes }),
            hashes,
          },
        ],
      };
    }
    case 'email-subject':
      return {
        comparisons: [
          { root: 'email-message', text: `email-message:subject = ${quoteStixString(value)}` },
        ],
        scos: [],
      };
    default:
      return undefined;
  }
}

/** Object-template relations whose pattern path differs from the attribute type's. */
export function mapObjectRelation(
  objectName: string,
  relation: string,
  type: string,
  value: string,
): MappedValue | undefined {
  const key = `${objectName}/${relation}`;
  switch (key) {
    case 'domain-ip/ip':
      return ip(value, () => 'domain-name:resolves_to_refs[*].value');
    case 'ip-port/ip':
    case 'ip-port/ip-dst':
    case 'network-connection/ip-dst':
      return ip(value, () => 'network-traffic:dst_ref.value');
    case 'ip-port/ip-src':
    case 'network-connection/ip-src':
      return ip(value, () => 'network-traffic:src_ref.value');
    case 'ip-port/dst-port':
    case 'network-connection/dst-port':
    case 'ip-port/src-port':
    case 'network-connection/src-port': {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
      return {
        comparisons: [
          {
            root: 'network-traffic',
            text: `network-traffic:${relation.startsWith('dst') ? 'dst' : 'src'}_port = ${port}`,
          },
        ],
        scos: [],
      };
    }
    case 'network-connection/layer4-protocol':
    case 'network-connection/layer3-protocol':
      return {
        comparisons: [
          {
            root: 'network-traffic',
            text: `network-traffic:protocols[*] = ${quoteStixString(value.toLowerCase())}`,
          },
        ],
        scos: [],
      };
    case 'email/from':
      return {
        comparisons: [
          {
            root: 'email-message',
            text: `email-message:from_ref.value = ${quoteStixString(value)}`,
          },
        ],
        scos: [single('email-addr', 'value', value).scos[0]!],
      };
    case 'email/to':
    case 'email/cc':
      return {
        comparisons: [
          {
            root: 'email-message',
            text: `email-message:${relation}_refs[*].value = ${quoteStixString(value)}`,
          },
        ],
        scos: [single('email-addr', 'value', value).scos[0]!],
      };
    case 'email/subject':
      return mapAttributeValue('email-subject', value);
    case 'file/size-in-bytes': {
      const size = Number(value);
      return Number.isInteger(size) && size >= 0
        ? { comparisons: [{ root: 'file', text: `file:size = ${size}` }], scos: [] }
        : undefined;
    }
    case 'file/mimetype':
      return {
        comparisons: [{ root: 'file', text: `file:mime_type = ${quoteStixString(value)}` }],
        scos: [],
      };
    case 'x509/serial-number':
      return {
        comparisons: [
          {
            root: 'x509-certificate',
            text: `x509-certificate:serial_number = ${quoteStixString(value)}`,
          },
        ],
        scos: [],
      };
    case 'x509/subject':
    case 'x509/issuer':
      return {
        comparisons: [
          {
            root: 'x509-certificate',
            text: `x509-certificate:${relation} = ${quoteStixString(value)}`,
          },
        ],
        scos: [],
      };
    default:
      return mapAttributeValue(type, value);
  }
}

/** Joins comparisons into a pattern: one observation per root type, ANDed (STIX 2.1 Part 5 §5). */
export function toPattern(comparisons: readonly Comparison[]): string {
  const byRoot = new Map<string, string[]>();
  for (const comparison of comparisons) {
    const list = byRoot.get(comparison.root) ?? [];
    if (!list.includes(comparison.text)) list.push(comparison.text);
    byRoot.set(comparison.root, list);
  }
  return [...byRoot.values()].map((list) => `[${list.join(' AND ')}]`).join(' AND ');
}
