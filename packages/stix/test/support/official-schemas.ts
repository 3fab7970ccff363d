import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath } from '@intelshare/fixtures';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * The official OASIS STIX 2.1 JSON schemas, loaded into ajv. Each schema is registered
 * under its own `$id` (a raw.githubusercontent.com URL), so their relative `$ref`s
 * resolve to these local copies and nothing is fetched.
 */
export function loadOfficialSchemas(): (type: string) => ValidateFunction | undefined {
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  // The three formats the schemas use; ajv-formats is not a dependency.
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  ajv.addFormat('idn-hostname', /^[^\s/]+$/);
  const root = fixturePath('stix21/cti-stix2-json-schemas/schemas');
  const byTitle = new Map<string, string>();
  for (const file of readdirSync(root, { recursive: true }) as string[]) {
    if (!file.endsWith('.json')) continue;
    const schema = JSON.parse(readFileSync(join(root, file), 'utf8')) as { $id: string };
    ajv.addSchema(schema);
    byTitle.set(file.replace(/^.*\//, '').replace(/\.json$/, ''), schema.$id);
  }
  return (type) => {
    const id = byTitle.get(type);
    return id === undefined ? undefined : ajv.getSchema(id);
  };
}
