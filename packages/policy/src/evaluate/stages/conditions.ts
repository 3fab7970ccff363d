// Stage 2 of a decision: the agreement's conditions on the object itself (revoked,
// labels, confidence, age).
import type { Reason } from '../decision';
import type { StageInput } from './stage';

const MS_PER_DAY = 86_400_000;

/**
 * Input: the object. Output: the denying reasons (and what would change each) pushed onto
 * `denies` and `whyNot`; nothing when every condition holds.
 */
export function checkConditions(input: StageInput, denies: Reason[], whyNot: string[]): void {
  const { c, object, env } = input;
  const a = c.agreement;
  const cond = a.conditions;
  if (cond.excludeRevoked && object.revoked === true) {
    denies.push({
      rule: 'revoked',
      effect: 'deny',
      clause: 'conditions.excludeRevoked',
      message: 'The object is revoked, and the agreement excludes revoked objects.',
    });
    whyNot.push('Set `conditions.excludeRevoked: false`.');
  }
  if (c.labelsAnyOf || c.labelsNoneOf) {
    const labels = Array.isArray(object.labels) ? object.labels : [];
    if (c.labelsAnyOf && !labels.some((label) => c.labelsAnyOf!.has(label as string))) {
      denies.push({
        rule: 'labels',
        effect: 'deny',
        clause: 'conditions.labels.anyOf',
        message: 'The object has none of the labels the agreement requires.',
      });
      whyNot.push(
        `The object carries one of the labels ${[...c.labelsAnyOf].map((l) => `\`${l}\``).join(', ')}.`,
      );
    }
    const banned = c.labelsNoneOf
      ? labels.find((label) => c.labelsNoneOf!.has(label as string))
      : undefined;
    if (banned !== undefined) {
      denies.push({
        rule: 'labels',
        effect: 'deny',
        clause: 'conditions.labels.noneOf',
        message: `The object has the label \`${String(banned)}\`, which the agreement excludes.`,
      });
      whyNot.push(`The object no longer carries the label \`${String(banned)}\`.`);
    }
  }
  if (cond.minConfidence !== undefined) {
    const confidence = object.confidence;
    if (typeof confidence !== 'number' || confidence < cond.minConfidence) {
      denies.push({
        rule: 'confidence',
        effect: 'deny',
        clause: 'conditions.minConfidence',
        message: `The object's confidence (${typeof confidence === 'number' ? confidence : 'not given'}) is below the agreement's minimum of ${cond.minConfidence}.`,
      });
      whyNot.push(`The object's \`confidence\` is at least ${cond.minConfidence}.`);
    }
  }
  if (cond.maxAgeDays !== undefined) {
    const stamp = typeof object.modified === 'string' ? object.modified : object.created;
    const ms = typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
    if (Number.isNaN(ms) || env.nowMs - ms > cond.maxAgeDays * MS_PER_DAY) {
      denies.push({
        rule: 'max-age',
        effect: 'deny',
        clause: 'conditions.maxAgeDays',
        message: Number.isNaN(ms)
          ? 'The object has no readable `modified` or `created` time, so its age cannot be checked.'
          : `The object is older than the agreement's ${cond.maxAgeDays} days.`,
      });
      whyNot.push(`The object was modified within the last ${cond.maxAgeDays} days.`);
    }
  }
}
