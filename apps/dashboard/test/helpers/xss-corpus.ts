import { TLP2_MARKING_IDS } from '@intelshare/policy';

/** Attacker-controlled strings that would run script if a page rendered them unescaped. */
export const XSS_PAYLOADS = [
  '<script>alert("xss-1")</script>',
  '<img src=x onerror=alert("xss-2")>',
  '"><svg onload=alert("xss-3")>',
  '\'><iframe src=javascript:alert("xss-4")></iframe>',
] as const;

/** Fragments that must never appear in a rendered page (they would be live markup). */
export const LIVE_MARKUP = [
  /<script>alert/i,
  /<img src=x onerror/i,
  /<svg onload/i,
  /<iframe src=javascript/i,
  /href="javascript:/i,
];

const now = '2026-01-02T03:04:05.000Z';
export const XSS_INDICATOR_ID = 'indicator--0b9e2c1d-6f4a-4e3b-9a8c-7d6e5f4a3b2c';
export const XSS_MALWARE_ID = 'malware--1c8d3e2f-7a5b-4c4d-8b9a-6e5f4d3c2b1a';

/** A STIX bundle carrying the payloads in names, descriptions, patterns and external references. */
export function xssBundle(): { type: 'bundle'; id: string; objects: Record<string, unknown>[] } {
  return {
    type: 'bundle',
    id: 'bundle--5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716',
    objects: [
      {
        type: 'indicator',
        spec_version: '2.1',
        id: XSS_INDICATOR_ID,
        created: now,
        modified: now,
        name: `xss-corpus ${XSS_PAYLOADS[0]}`,
        description: XSS_PAYLOADS[1],
        indicator_types: ['malicious-activity'],
        pattern: `[url:value = 'http://xss.example/${XSS_PAYLOADS[2]}']`,
        pattern_type: 'stix',
        valid_from: now,
        confidence: 90,
        external_references: [
          {
            source_name: XSS_PAYLOADS[2],
            url: 'javascript:alert("xss-5")',
            description: XSS_PAYLOADS[3],
          },
        ],
        object_marking_refs: [TLP2_MARKING_IDS['TLP:CLEAR']],
      },
      {
        type: 'malware',
        spec_version: '2.1',
        id: XSS_MALWARE_ID,
        created: now,
        modified: now,
        name: XSS_PAYLOADS[3],
        is_family: true,
        description: XSS_PAYLOADS[0],
        object_marking_refs: [TLP2_MARKING_IDS['TLP:CLEAR']],
      },
      {
        type: 'relationship',
        spec_version: '2.1',
        id: 'relationship--2d7c4f3e-8b6a-4d5c-9a8b-5f4e3d2c1b0a',
        created: now,
        modified: now,
        relationship_type: 'indicates',
        source_ref: XSS_INDICATOR_ID,
        target_ref: XSS_MALWARE_ID,
        description: XSS_PAYLOADS[1],
        object_marking_refs: [TLP2_MARKING_IDS['TLP:CLEAR']],
      },
    ],
  };
}
