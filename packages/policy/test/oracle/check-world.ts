// Runs one random world through `project` and checks the output against the oracle.
import { parseStix } from '@intelshare/stix';
import { parseAgreement, project } from '../../src/index';
import { judge, outputLevel } from './oracle';
import { agreementInput, buildWorld, NOW, recipientOf, type World, type WorldSpec } from './world';

export interface WorldResult {
  /** Object decisions the projection made. */
  decisions: number;
  /** What went wrong (empty when nothing did). */
  violations: string[];
  /** The agreement was rejected by `parseAgreement` (contradictory terms): nothing projected. */
  skipped: boolean;
}

export const KEYS = { k1: 'an oracle pseudonym key of enough length' };

export function checkWorld(spec: WorldSpec, seed: number): WorldResult {
  let agreement: ReturnType<typeof parseAgreement>;
  try {
    agreement = parseAgreement(agreementInput(spec));
  } catch {
    return { decisions: 0, violations: [], skipped: true };
  }
  const world = buildWorld(spec, seed);
  const projection = project(world.bundle, agreement, recipientOf(spec), {
    now: NOW,
    pseudonymKeys: KEYS,
  });
  const violations = outputViolations(spec, world, projection.bundle);
  return { decisions: projection.decisions.length, violations, skipped: false };
}

/**
 * What the oracle finds wrong with a projected bundle of the world: forbidden markers,
 * protected victim ids, strict parse errors, dangling references, lowered markings.
 */
export function outputViolations(
  spec: WorldSpec,
  world: World,
  bundle: { type: 'bundle'; id: string; objects: readonly unknown[] },
): string[] {
  const violations: string[] = [];
  const text = JSON.stringify(bundle);
  const verdict = judge(spec, world);
  for (const marker of verdict.forbidden)
    if (text.includes(marker)) violations.push(`forbidden marker ${marker} in the output`);
  if (spec.victims !== 'keep') {
    for (const id of world.victimIds)
      if (text.includes(id)) violations.push(`protected victim id ${id} in the output`);
  }
  const parsed = parseStix(JSON.parse(text), { mode: 'strict' });
  for (const issue of parsed.issues)
    if (issue.severity === 'error')
      violations.push(`strict: ${issue.path} ${issue.code} ${issue.message}`);
  const objects = bundle.objects as Record<string, unknown>[];
  const ids = new Set(objects.map((o) => String(o.id)));
  for (const object of objects) {
    for (const ref of references(object))
      if (!ids.has(ref))
        violations.push(`${String(object.id)} references ${ref}, not in the output`);
    const json = JSON.stringify(object);
    const rank = outputLevel(object);
    for (const marker of json.match(/mk\d+q/g) ?? []) {
      const came = verdict.level.get(marker) ?? -1;
      if (came > rank)
        violations.push(
          `${marker} came with TLP rank ${came}, shared in ${String(object.id)} at ${rank}`,
        );
    }
  }
  return violations;
}

/** Every reference in an object: `*_ref`, `*_refs` (nested), markings included. */
function references(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) references(item, out);
    return out;
  }
  if (typeof node !== 'object' || node === null) return out;
  for (const [key, value] of Object.entries(node)) {
    if (key.endsWith('_ref') && typeof value === 'string') out.push(value);
    else if (key.endsWith('_refs') && Array.isArray(value))
      for (const v of value)
        if (typeof v === 'string') out.push(v);
        else references(value, out);
  }
  return out;
}
