import { readdirSync } from 'node:fs';
import { fixturePath } from '@intelshare/fixtures';

/** Every STIX content file under `stix21/` (JSON schemas excluded: they describe STIX, they are not STIX). */
export function stix21ContentFiles(): string[] {
  const root = fixturePath('stix21');
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.json'))
    .filter((file) => !file.includes('cti-stix2-json-schemas/schemas/'))
    .filter((file) => !file.includes('cti-stix2-json-schemas/interop/'))
    .filter((file) => !file.endsWith('.schema.json') && !file.includes('iep2-schema'))
    .map((file) => `stix21/${file}`)
    .sort();
}

export const ATTACK_BUNDLES = [
  'attack/attack-stix-data/ics-attack-18.1.json',
  'attack/attack-stix-data/mobile-attack-17.1.json',
] as const;
