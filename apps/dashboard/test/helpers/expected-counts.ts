import { readJsonFixture } from '@intelshare/fixtures';

/** The demo bundles: the file under `apps/dashboard/data/` and its fixture original. */
export const DEMO_BUNDLES = [
  { file: 'attack/ics-attack-18.1.json', fixture: 'attack/attack-stix-data/ics-attack-18.1.json' },
  {
    file: 'attack/mobile-attack-17.1.json',
    fixture: 'attack/attack-stix-data/mobile-attack-17.1.json',
  },
] as const;

export interface ExpectedCounts {
  readonly objects: number;
  readonly byType: ReadonlyMap<string, number>;
  /** Marking id → objects carrying it; `''` for objects with no `object_marking_refs`. */
  readonly byMarking: ReadonlyMap<string, number>;
  readonly revoked: number;
  readonly deprecated: number;
}

type RawObject = {
  type: string;
  object_marking_refs?: string[];
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
};

/**
 * Counts a fixture bundle straight from its JSON, independently of the dashboard's code,
 * so the page is checked against the data rather than against itself.
 */
export function expectedCounts(fixture: string): ExpectedCounts {
  const bundle = readJsonFixture(fixture) as { objects: RawObject[] };
  const byType = new Map<string, number>();
  const byMarking = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const object of bundle.objects) {
    add(byType, object.type);
    const refs = new Set(object.object_marking_refs ?? []);
    if (refs.size === 0) add(byMarking, '');
    for (const ref of refs) add(byMarking, ref);
  }
  return {
    objects: bundle.objects.length,
    byType,
    byMarking,
    revoked: bundle.objects.filter((object) => object.revoked === true).length,
    deprecated: bundle.objects.filter((object) => object.x_mitre_deprecated === true).length,
  };
}
