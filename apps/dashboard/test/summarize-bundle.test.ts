import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TLP2_MARKING_IDS } from '@intelshare/policy';
import { describe, expect, it } from 'vitest';
import { type IssueView, MAX_LISTED_ISSUES, summarizeBundle } from '../src/lib/summarize-bundle';

const STATEMENT = 'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168';
const UNKNOWN = 'marking-definition--00000000-0000-4000-8000-000000000000';

const summarize = (objects: unknown[], issues: IssueView[] = []) =>
  summarizeBundle('test.json', {
    objects,
    issues,
    valid: !issues.some((i) => i.severity === 'error'),
  });

describe('summarizeBundle', () => {
  it('counts by type, largest first, ties by name', () => {
    const summary = summarize([
      { type: 'malware', id: 'malware--1' },
      { type: 'relationship', id: 'relationship--1' },
      { type: 'relationship', id: 'relationship--2' },
      { type: 'campaign', id: 'campaign--1' },
    ]);
    expect(summary.objectCount).toBe(4);
    expect(summary.byType).toEqual([
      { type: 'relationship', count: 2 },
      { type: 'campaign', count: 1 },
      { type: 'malware', count: 1 },
    ]);
  });

  it('resolves markings from the bundle, then TLP 2.0, and shows the rest as unresolved', () => {
    const summary = summarize([
      {
        type: 'marking-definition',
        id: STATEMENT,
        definition_type: 'statement',
        definition: { statement: 'Copyright  MITRE\n(demo)' },
      },
      {
        type: 'malware',
        id: 'malware--1',
        object_marking_refs: [STATEMENT, TLP2_MARKING_IDS['TLP:AMBER']],
      },
      {
        type: 'malware',
        id: 'malware--2',
        object_marking_refs: [TLP2_MARKING_IDS['TLP:AMBER'], UNKNOWN],
      },
      // The same ref twice still marks the object once.
      { type: 'malware', id: 'malware--3', object_marking_refs: [UNKNOWN, UNKNOWN] },
    ]);
    expect(summary.byMarking).toEqual([
      // Ties are ordered by id.
      { id: UNKNOWN, name: 'unresolved', source: 'unresolved', count: 2 },
      { id: TLP2_MARKING_IDS['TLP:AMBER'], name: 'TLP:AMBER', source: 'tlp2', count: 2 },
      { id: STATEMENT, name: 'Statement: Copyright MITRE (demo)', source: 'bundle', count: 1 },
      { id: '', name: 'unmarked', source: 'unmarked', count: 1 },
    ]);
  });

  it('names markings by `name`, TLP 1.0 definition, or definition type, and truncates long ones', () => {
    const ids = ['a', 'b', 'c', 'd'].map(
      (c) => `marking-definition--${c.repeat(8)}-0000-4000-8000-000000000000`,
    );
    const summary = summarize([
      {
        type: 'marking-definition',
        id: ids[0],
        name: 'Named marking',
        definition_type: 'statement',
      },
      {
        type: 'marking-definition',
        id: ids[1],
        definition_type: 'tlp',
        definition: { tlp: 'green' },
      },
      { type: 'marking-definition', id: ids[2], extensions: {} },
      {
        type: 'marking-definition',
        id: ids[3],
        definition_type: 'statement',
        definition: { statement: 'x'.repeat(500) },
      },
      { type: 'note', id: 'note--1', object_marking_refs: ids },
    ]);
    const names = new Map(summary.byMarking.map((row) => [row.id, row.name]));
    expect(names.get(ids[0]!)).toBe('Named marking');
    expect(names.get(ids[1]!)).toBe('TLP:GREEN (TLP 1.0)');
    expect(names.get(ids[2]!)).toBe('unknown marking');
    expect(names.get(ids[3]!)).toHaveLength(160);
    expect(names.get(ids[3]!)?.endsWith('…')).toBe(true);
  });

  it('counts revoked and ATT&CK-deprecated objects, only when exactly true', () => {
    const summary = summarize([
      { type: 'attack-pattern', revoked: true },
      { type: 'attack-pattern', revoked: 'true', x_mitre_deprecated: 1 },
      { type: 'attack-pattern', x_mitre_deprecated: true },
      { type: 'attack-pattern', revoked: true, x_mitre_deprecated: true },
    ]);
    expect(summary).toMatchObject({ revoked: 2, deprecated: 2 });
  });

  it('treats hostile type names and malformed entries as data, dropping nothing', () => {
    const summary = summarize([
      { type: '__proto__' },
      { type: 'constructor', object_marking_refs: 'not-a-list' },
      { type: 42 },
      null,
      'string',
      [],
    ]);
    expect(summary.objectCount).toBe(6);
    expect(summary.byType).toEqual([
      { type: '(not an object)', count: 3 },
      { type: '(no type)', count: 1 },
      { type: '__proto__', count: 1 },
      { type: 'constructor', count: 1 },
    ]);
    expect(({} as Record<string, unknown>).count).toBeUndefined();
  });

  it('counts issues by severity and code and lists the first ones', () => {
    const issues: IssueView[] = Array.from({ length: MAX_LISTED_ISSUES + 5 }, (_, i) => ({
      severity: i % 5 === 0 ? 'error' : 'warning',
      code: i % 5 === 0 ? 'INVALID_TIMESTAMP' : 'CUSTOM_PROPERTY',
      path: `objects[${i}].created`,
      message: 'demo',
    }));
    const summary = summarize([], issues);
    expect(summary).toMatchObject({
      valid: false,
      issueCount: 55,
      errorCount: 11,
      warningCount: 44,
    });
    expect(summary.issuesByCode).toEqual([
      { code: 'CUSTOM_PROPERTY', errors: 0, warnings: 44 },
      { code: 'INVALID_TIMESTAMP', errors: 11, warnings: 0 },
    ]);
    expect(summary.issues).toHaveLength(MAX_LISTED_ISSUES);
    expect(summary.issues[0]?.path).toBe('objects[0].created');
  });
});

describe('HTML escaping', () => {
  it('no page or component bypasses Astro’s escaping with set:html', () => {
    const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(srcDir);
    expect(files.some((file) => file.endsWith('.astro'))).toBe(true);
    const offenders = files.filter((file) => /set:html|innerHTML/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
