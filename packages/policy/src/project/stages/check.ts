// Projection stage 6, check: the output must be valid STIX 2.1 as `parseStix` judges it in
// strict mode, whatever the input. An object that is not (hostile or broken input, or a
// custom property when custom content is not allowed) is withheld with the validator's
// path and message, and references to it are closed again. Fail closed: nothing invalid is
// sent, nothing is silently repaired.
import { isScoType } from '../../internal/stix-facts';
import type { Entry } from './entry';
import { outputId, type ProjectionState, withholdLater } from './state';
import { copyIssues, strictIssues, validByConstruction } from './validity';

/** Input: the marked entries. Output: invalid ones withheld; `true` when nothing had to be. */
export function check(state: ProjectionState): boolean {
  let clean = true;
  const seen = new Set<string>();
  for (const entry of state.entries) {
    if (entry.withheld || entry.replacement) continue;
    let issues = strictIssues(entry.original, state.allowCustom);
    if (
      entry.object !== entry.original &&
      (issues.length > 0 || !validByConstruction(entry.original, entry.object))
    )
      issues = copyIssues(entry.original, entry.object, state.allowCustom);
    const issue = issues[0];
    if (issue) {
      clean = false;
      withholdLater(state, entry, {
        rule: 'malformed',
        effect: 'deny',
        clause: 'object',
        message: `The object would not be valid STIX 2.1 (\`${issue.path || 'object'}\`: ${issue.message.slice(0, 300)}), so it is withheld.`,
      });
      continue;
    }
    // Objects without `modified` (SCOs) are the same object when their ids are equal.
    if (isScoType(String(entry.object.type))) {
      const id = outputId(entry);
      if (seen.has(id)) {
        clean = false;
        withholdLater(state, entry, duplicate());
      }
      seen.add(id);
    }
  }
  for (const [id, replacement] of state.replacements) {
    if (!state.present.has(id)) continue;
    if (strictIssues(replacement.object, state.allowCustom, false).length === 0) continue;
    clean = false;
    state.replacements.delete(id);
    state.present.delete(id);
    if (state.dirty === undefined) state.dirty = new Set();
    state.dirty.add(id);
    for (const victim of replacement.victims) withholdVictim(victim);
  }
  return clean;
}

function duplicate() {
  return {
    rule: 'versioning' as const,
    effect: 'deny' as const,
    clause: 'object',
    message: 'Another object in the bundle has the same id, so this one is withheld.',
  };
}

function withholdVictim(victim: Entry): void {
  victim.withheld = true;
  victim.extraReasons.push({
    rule: 'malformed',
    effect: 'deny',
    clause: 'object',
    message:
      'The identity that would replace this victim is not valid STIX 2.1, so it is withheld.',
  });
}
