/** The rule a reason or redaction comes from. */
export type RuleId =
  | 'agreement-in-effect'
  | 'recipient-covered'
  | 'object-type'
  | 'malformed'
  | 'revoked'
  | 'labels'
  | 'confidence'
  | 'max-age'
  | 'marking-unknown'
  | 'tlp'
  | 'pap'
  | 'iep'
  | 'statement'
  | 'granular-marking'
  | 'property-denied'
  | 'property-not-allowed'
  | 'victim-identity'
  | 'where-sighted'
  | 'custom-properties'
  | 'internal-reference'
  | 'free-text'
  | 'derived-content'
  | 'provider-attribution'
  | 'retention'
  | 'dangling-reference'
  | 'versioning'
  | 'misp-distribution';

/** Why an object is shared, redacted or withheld, in words, with the clause and marking it comes from. */
export interface Reason {
  /** The rule applied. */
  readonly rule: RuleId;
  /** `allow` lets the object through, `deny` withholds it, `redact` removes or rewrites part of it. */
  readonly effect: 'allow' | 'deny' | 'redact';
  /** The agreement clause, as a path such as `recipients[0].maxTlp` (or `object` for the object itself). */
  readonly clause: string;
  /** The marking involved, as its name (`TLP:AMBER`) or id, when a marking is involved. */
  readonly marking?: string;
  /** One sentence a human can read. */
  readonly message: string;
}

/** One change made to an object before it is shared. */
export interface Redaction {
  /** Where, as a property path: `description`, `external_references[1]`, `where_sighted_refs[0]`; empty for the whole object. */
  readonly path: string;
  /** `remove` deletes, `generalise` replaces with a class, `pseudonymise` replaces with a keyed pseudonym, `cap` lowers a value, `rewrite` points a reference elsewhere. */
  readonly action: 'remove' | 'generalise' | 'pseudonymise' | 'cap' | 'rewrite';
  /** The rule applied. */
  readonly rule: RuleId;
  /** The agreement clause (path) that asks for it. */
  readonly clause: string;
  /** The marking involved, when a marking is involved. */
  readonly marking?: string;
  /** One sentence a human can read. */
  readonly message: string;
  /** The new value, for `cap`. */
  readonly value?: string;
}

/** The outcome for one object: share as is, share with redactions, or withhold. */
export interface Decision {
  /** The object's id (or `objects[i]` when it has none). */
  readonly id: string;
  /** The object's type (or `unknown`). */
  readonly type: string;
  /** What happens to the object. */
  readonly action: 'share' | 'share-redacted' | 'withhold';
  /** Every reason, allowing and denying. */
  readonly reasons: readonly Reason[];
  /** The redactions applied when `action` is `share-redacted`. */
  readonly redactions: readonly Redaction[];
  /** For withheld objects: what would have to change for the object to be shared. */
  readonly whyNot?: readonly string[];
}
