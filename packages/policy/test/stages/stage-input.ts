import { clearanceFor, compiled } from '../../src/evaluate/compile-agreement';
import { type EvaluationContext, makeEnv } from '../../src/evaluate/evaluate';
import type { StageInput } from '../../src/evaluate/stages/stage';
import type { Recipient, SharingAgreement } from '../../src/index';
import { parseRecipient } from '../../src/recipient';
import { NOW, PARTNER } from '../helpers';

/** The input a decision stage receives, built the way `decide` builds it. */
export function stageInput(
  agreement: SharingAgreement,
  object: Record<string, unknown>,
  recipient: Recipient = { identity: PARTNER },
  context: EvaluationContext = {},
): StageInput {
  const c = compiled(agreement);
  return {
    c,
    clearance: clearanceFor(c, parseRecipient(recipient)),
    object,
    id: String(object.id),
    type: String(object.type),
    env: makeEnv(c, { now: NOW, ...context }),
  };
}
