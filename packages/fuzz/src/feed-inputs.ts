import {
  type FeedMappingInput,
  feodoTrackerMapping,
  openPhishMapping,
  spamhausDropMapping,
  threatFoxMapping,
  urlhausMapping,
} from '@intelshare/feeds';
import fc from 'fast-check';
import { hostileString, PROTOTYPE_NAMES } from './hostile';
import { applyEdits, textEdit } from './mutate';
import type { Seeds } from './seeds';

/** JSON lines whose records name the observable in `value`. */
const jsonLinesMapping: FeedMappingInput = {
  name: 'Fuzz JSON lines',
  provider: 'intelshare fuzz',
  format: 'jsonl',
  observable: { column: 'value', kind: 'url' },
  labels: ['tag'],
};

/** The mappings inputs may name (they cross the process boundary by name). */
export const MAPPINGS: Readonly<Record<string, FeedMappingInput>> = Object.freeze({
  __proto__: null,
  urlhaus: urlhausMapping,
  feodoTracker: feodoTrackerMapping,
  openPhish: openPhishMapping,
  spamhausDrop: spamhausDropMapping,
  threatFox: threatFoxMapping,
  jsonLines: jsonLinesMapping,
}) as unknown as Readonly<Record<string, FeedMappingInput>>;

/** A feed body and the mapping that reads it. */
export interface FeedInput {
  text: string;
  mapping: string;
  recipe?: string;
}

const THREATFOX_ROW = (type: string, value: string) =>
  `"2026-01-01 00:00:00","1","${value}","${type}","botnet_cc","win.x","","X","","50","","tag","0","me"`;

/** Families of feed bodies: mutated fixtures, hostile cells and the time bombs of issue 19. */
export function feedFamilies(seeds: Seeds): Record<string, fc.Arbitrary<FeedInput>> {
  return {
    'fixture-mutation': fc
      .tuple(fc.constantFrom(...seeds.feeds), fc.array(textEdit, { minLength: 1, maxLength: 6 }))
      .map(([feed, edits]) => ({ text: applyEdits(feed.text, edits), mapping: feed.preset })),
    'hostile-cells': fc
      .tuple(
        fc.constantFrom('urlhaus', 'feodoTracker', 'openPhish', 'spamhausDrop'),
        fc.array(fc.array(hostileString, { minLength: 1, maxLength: 9 }), {
          minLength: 1,
          maxLength: 8,
        }),
      )
      .map(([mapping, rows]) => ({
        mapping,
        text: rows
          .map((cells) => cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(','))
          .join('\n'),
      })),
    'prototype-type-column': fc
      .array(fc.constantFrom(...PROTOTYPE_NAMES, 'url', 'domain'), { minLength: 1, maxLength: 6 })
      .map((types) => ({
        mapping: 'threatFox',
        text: types.map((t, i) => THREATFOX_ROW(t, `http://bad${i}.example/`)).join('\n'),
        recipe: `parseFeed(rows with ioc_type ${JSON.stringify(types)}, threatFoxMapping)`,
      })),
    'json-lines': fc
      .array(
        fc.oneof(
          fc
            .constantFrom(...PROTOTYPE_NAMES)
            .map((key) => `{"${key}":{"polluted":1},"value":"http://a.example/"}`),
          fc
            .constantFrom(...PROTOTYPE_NAMES)
            .map((key) => `{"value":"http://a.example/","tag":{"${key}":1}}`),
          hostileString.map((s) => JSON.stringify({ value: s, tag: s })),
          fc.nat(20_000).map((n) => `${'['.repeat(n)}`),
        ),
        { minLength: 1, maxLength: 8 },
      )
      .map((lines) => ({ mapping: 'jsonLines', text: lines.join('\n') })),
    'unterminated-quote': fc.integer({ min: 100, max: 40_000 }).map((n) => ({
      mapping: 'urlhaus',
      text: 'x","\n'.repeat(n),
      recipe: `'x","\\n'.repeat(${n})`,
    })),
    'quote-then-lines': fc.integer({ min: 100, max: 8_000 }).map((n) => ({
      mapping: 'urlhaus',
      text: `"${`${'a'.repeat(50)}\n`.repeat(n)}`,
      recipe: `'"' + ('a'.repeat(50) + '\\n').repeat(${n})`,
    })),
    'long-line': fc
      .tuple(
        fc.constantFrom('urlhaus', 'openPhish', 'spamhausDrop', 'jsonLines'),
        fc.integer({ min: 1_000, max: 400_000 }),
        fc.constantFrom('a', '"', ',', ' ', '\\'),
      )
      .map(([mapping, n, unit]) => ({
        mapping,
        text: unit.repeat(n),
        recipe: `${JSON.stringify(unit)}.repeat(${n})`,
      })),
  };
}
