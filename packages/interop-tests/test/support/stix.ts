/** A deterministic STIX 2.1 indicator, distinct per (n, salt). */
export function indicator(n: number, salt = 0, modified = '2024-01-01T00:00:00.000Z') {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${salt.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    created: '2024-01-01T00:00:00.000Z',
    modified,
    name: `Indicator ${salt}/${n}`,
    pattern: `[ipv4-addr:value = '10.${salt & 255}.${(n >> 8) & 255}.${n & 255}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
  };
}
