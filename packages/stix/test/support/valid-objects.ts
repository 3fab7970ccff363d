/** Small valid STIX 2.1 objects the negative corpus mutates, one rule at a time. */

export const IDENTITY_ID = 'identity--311b2d2d-f010-4473-83ec-1edf84858f4c';
export const MARKING_ID = 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da';

export function indicator(): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    created_by_ref: IDENTITY_ID,
    created: '2016-04-06T20:03:48.000Z',
    modified: '2016-04-06T20:03:48.000Z',
    indicator_types: ['malicious-activity'],
    name: 'Poison Ivy Malware',
    pattern:
      "[file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877']",
    pattern_type: 'stix',
    valid_from: '2016-01-01T00:00:00Z',
    object_marking_refs: [MARKING_ID],
  };
}

export function malware(): Record<string, unknown> {
  return {
    type: 'malware',
    spec_version: '2.1',
    id: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b',
    created: '2016-04-06T20:07:09.000Z',
    modified: '2016-04-06T20:07:09.000Z',
    name: 'Poison Ivy',
    is_family: true,
  };
}

export function relationship(): Record<string, unknown> {
  return {
    type: 'relationship',
    spec_version: '2.1',
    id: 'relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad',
    created: '2016-04-06T20:06:37.000Z',
    modified: '2016-04-06T20:06:37.000Z',
    relationship_type: 'indicates',
    source_ref: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    target_ref: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b',
  };
}

export function file(): Record<string, unknown> {
  return {
    type: 'file',
    spec_version: '2.1',
    id: 'file--5a27d487-c542-5f97-a131-a8866b477b46',
    name: 'qwerty.dll',
    hashes: { 'SHA-256': 'ceafbfd424be2ca4a5f0402cae090dda2fb0526cf521b60b60077c0f622b285a' },
  };
}

export function bundle(...objects: unknown[]): Record<string, unknown> {
  return { type: 'bundle', id: 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e', objects };
}
