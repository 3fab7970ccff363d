import type { Clearance, CompiledAgreementInternal } from '../compile-agreement';
import type { Decision, Reason, Redaction } from '../decision';
import type { Env } from '../evaluate';

/**
 * What every decision stage reads: the compiled agreement, the recipient's clearance, the
 * object (a plain JSON record with a string `type` and `id`) and the environment (time,
 * marking resolver, victims, pseudonym key). Stages never modify the object.
 */
export interface StageInput {
  readonly c: CompiledAgreementInternal;
  readonly clearance: Clearance;
  readonly object: Readonly<Record<string, unknown>>;
  readonly id: string;
  readonly type: string;
  readonly env: Env;
}

/** A stage's verdict that withholds the whole object: the denying reason and what would change it. */
export interface Refusal {
  readonly refuse: Reason;
  readonly whyNot: string;
}

/** A withheld decision. */
export function withhold(id: string, type: string, reasons: Reason[], whyNot: string[]): Decision {
  return { id, type, action: 'withhold', reasons, redactions: [], whyNot };
}

/** A withheld decision from the reasons so far plus one refusal. */
export function refuseWith(
  input: StageInput,
  reasons: readonly Reason[],
  refusal: Refusal,
): Decision {
  return withhold(input.id, input.type, [...reasons, refusal.refuse], [refusal.whyNot]);
}

/** Appends to a redaction list created on first use (most objects have none). */
export function add(list: Redaction[] | undefined, redaction: Redaction): Redaction[] {
  if (list === undefined) return [redaction];
  list.push(redaction);
  return list;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value from input as text for a message: strings as they are, anything else by its type (never `String(value)`, which throws for objects without a prototype). */
export function shown(value: unknown, max = 100): string {
  return typeof value === 'string'
    ? value.slice(0, max)
    : `(${value === null ? 'null' : typeof value})`;
}
