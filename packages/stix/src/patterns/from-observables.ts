import { IntelshareError } from '../errors/intelshare-error';
import type { ComparisonExpression, ComparisonTest, PatternLiteral } from './ast';
import { parseIpNetwork } from './cidr';
import { printPattern } from './printer';

const at = { offset: 0, line: 1, column: 1 };

/** The SCO types whose identity is their `value`. */
const VALUE_TYPES = new Set([
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'email-addr',
  'mac-addr',
]);
const HASH_ORDER = ['SHA-256', 'SHA-512', 'SHA-1', 'MD5'];

function test(
  type: string,
  steps: string[],
  operator: ComparisonTest['operator'],
  value: PatternLiteral,
): ComparisonTest {
  return {
    kind: 'comparison',
    path: {
      kind: 'path',
      objectType: type,
      steps: steps.map((name) => ({ kind: 'property', name })),
      loc: at,
    },
    operator,
    negated: false,
    value,
    loc: at,
  };
}

const str = (value: string): PatternLiteral => ({ kind: 'string', value, loc: at });

function any(parts: ComparisonExpression[]): ComparisonExpression {
  return parts.reduce((left, right) => ({
    kind: 'comparison-op',
    operator: 'OR',
    left,
    right,
    loc: at,
  }));
}

function comparisonFor(
  sco: Record<string, unknown>,
  path: string,
): ComparisonExpression | ComparisonExpression[] {
  const type = sco.type;
  const fail = (message: string): never => {
    throw new IntelshareError('INVALID_ARGUMENT', message, { path });
  };
  if (typeof type !== 'string') return fail('An SCO needs a string `type`.');
  if (VALUE_TYPES.has(type)) {
    if (typeof sco.value !== 'string' || sco.value.length === 0)
      return fail('`value` must be a non-empty string.');
    // A CIDR block matches the addresses inside it (STIX 2.1 §9.5 ISSUBSET).
    if ((type === 'ipv4-addr' || type === 'ipv6-addr') && sco.value.includes('/')) {
      const net = parseIpNetwork(sco.value);
      if (!net || net.prefix < (net.version === 4 ? 32 : 128)) {
        return test(type, ['value'], 'ISSUBSET', str(sco.value));
      }
    }
    return test(type, ['value'], '=', str(sco.value));
  }
  switch (type) {
    case 'file':
    case 'artifact':
    case 'x509-certificate': {
      const hashes = sco.hashes;
      if (hashes !== null && typeof hashes === 'object') {
        const entries = Object.entries(hashes as Record<string, unknown>).filter(
          (e): e is [string, string] =>
            typeof e[1] === 'string' && !['__proto__', 'constructor', 'prototype'].includes(e[0]),
        );
        entries.sort((a, b) => {
          const ia = HASH_ORDER.indexOf(a[0]);
          const ib = HASH_ORDER.indexOf(b[0]);
          return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a[0] < b[0] ? -1 : 1);
        });
        if (entries.length > 0)
          return entries.map(([alg, v]) => test(type, ['hashes', alg], '=', str(v)));
      }
      if (type === 'file' && typeof sco.name === 'string')
        return test(type, ['name'], '=', str(sco.name));
      if (type === 'x509-certificate' && typeof sco.serial_number === 'string') {
        return test(type, ['serial_number'], '=', str(sco.serial_number));
      }
      return fail(
        `A ${type} needs \`hashes\`${type === 'file' ? ' or `name`' : ''} to build a pattern.`,
      );
    }
    case 'autonomous-system':
      if (!Number.isSafeInteger(sco.number)) return fail('`number` must be an integer.');
      return test(type, ['number'], '=', { kind: 'int', value: sco.number as number, loc: at });
    case 'windows-registry-key':
      if (typeof sco.key !== 'string') return fail('`key` must be a string.');
      return test(type, ['key'], '=', str(sco.key));
    case 'mutex':
      if (typeof sco.name !== 'string') return fail('`name` must be a string.');
      return test(type, ['name'], '=', str(sco.name));
    case 'user-account':
      if (typeof sco.user_id === 'string') return test(type, ['user_id'], '=', str(sco.user_id));
      if (typeof sco.account_login === 'string')
        return test(type, ['account_login'], '=', str(sco.account_login));
      return fail('A user-account needs `user_id` or `account_login`.');
    case 'software':
      if (typeof sco.cpe === 'string') return test(type, ['cpe'], '=', str(sco.cpe));
      if (typeof sco.name === 'string') return test(type, ['name'], '=', str(sco.name));
      return fail('A software object needs `cpe` or `name`.');
    default:
      return fail(`Cannot build a pattern for SCO type \`${type}\`.`);
  }
}

/**
 * Builds an indicator pattern that matches any of the given observables: one
 * observation expression with the objects' identifying properties joined by OR
 * (`value` for addresses, domains, URLs; every hash of a file; `number` of an AS...).
 * Literals are escaped by the printer, so quotes and backslashes in values are safe.
 *
 * @param scos - Observables (plain objects with `type`).
 * @returns The pattern text.
 * @throws {IntelshareError} `INVALID_ARGUMENT` naming the object (`scos[2]`) that cannot be expressed.
 *
 * @example
 * ```ts
 * import { patternFromObservables } from '@intelshare/stix/patterns';
 *
 * patternFromObservables([
 *   { type: 'domain-name', value: "it's.example.com" },
 *   { type: 'file', hashes: { MD5: 'd41d8cd98f00b204e9800998ecf8427e' } },
 * ]);
 * // "[domain-name:value = 'it\\'s.example.com' OR file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"
 * ```
 * @see https://intelshare.dev/patterns/patterns/
 */
export function patternFromObservables(scos: readonly Record<string, unknown>[]): string {
  if (!Array.isArray(scos) || scos.length === 0) {
    throw new IntelshareError('INVALID_ARGUMENT', '`scos` must be a non-empty array.');
  }
  const parts = scos.map((sco, i) => {
    if (typeof sco !== 'object' || sco === null) {
      throw new IntelshareError('INVALID_ARGUMENT', 'An SCO must be an object.', {
        path: `scos[${i}]`,
      });
    }
    return comparisonFor(sco, `scos[${i}]`);
  });
  return printPattern({
    kind: 'pattern',
    expression: { kind: 'observation', comparison: any(parts.flat()), loc: at },
    loc: at,
  });
}
