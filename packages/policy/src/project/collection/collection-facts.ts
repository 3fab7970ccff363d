// What a projection needs to know about a whole collection besides the objects it projects:
// who the victims are, which identities are already protected, where identities are located,
// and every marking definition. Read once, chunk by chunk, and kept in a compact form (ids
// and the few fields the victim stage reads), so a collection of millions of objects is
// never held parsed.
import type { SharingAgreement } from '../../agreement/agreement-schema';
import type { CompiledAgreementInternal } from '../../evaluate/compile-agreement';
import { makeEnv } from '../../evaluate/evaluate';
import { isOwnPseudonym } from '../../evaluate/pseudonym';
import { isRecord } from '../json-edit';
import type { ProjectOptions } from '../project';
import { bundleFacts } from '../stages/select';
import type { BundleFacts } from '../stages/state';

/**
 * The facts of a collection's latest objects, in collection order. `bundleFacts` of the
 * stand-ins below (then of any extra objects) gives exactly what `bundleFacts` of the
 * whole collection (then those objects) gives.
 */
export class CollectionFacts {
  /** Every marking definition, whole (they are few, and the markings resolve through them). */
  readonly markingObjects: Record<string, unknown>[] = [];
  /** Identities named as victims: labelled, targeted, or where something was sighted. */
  readonly victimIds = new Set<string>();
  /** `located-at` relationships from identities: only the fields the victim stage reads. */
  readonly locatedAt: Record<string, unknown>[] = [];
  /** Locations by id, whole (the victim stage decides whether the recipient sees one). */
  readonly locations = new Map<string, Record<string, unknown>>();
  /** Identities already a class or our pseudonym: the fields that say so. */
  readonly protectedIdentities = new Map<string, Record<string, unknown>>();
  /** Objects read. */
  objects = 0;
  /** An estimate of the memory the facts hold (UTF-16 text of what is kept). */
  bytes = 0;
  private readonly a: SharingAgreement;
  private readonly key: Uint8Array | undefined;

  constructor(c: CompiledAgreementInternal, options: Pick<ProjectOptions, 'pseudonymKeys'>) {
    this.a = c.agreement;
    this.key = makeEnv(
      c,
      options.pseudonymKeys ? { pseudonymKeys: options.pseudonymKeys } : {},
    ).pseudonymKey;
    for (const id of this.a.victimProtection.victimIdentityIds) this.victimIds.add(id);
  }

  /** Reads one object (the next in collection order). */
  add(object: unknown): void {
    this.objects++;
    if (!isRecord(object)) return;
    switch (object.type) {
      case 'marking-definition':
        this.markingObjects.push(object);
        this.bytes += 2 * safeLength(object);
        break;
      case 'sighting':
        if (Array.isArray(object.where_sighted_refs))
          for (const ref of object.where_sighted_refs)
            if (typeof ref === 'string') this.victim(ref);
        break;
      case 'relationship':
        if (typeof object.source_ref !== 'string' || typeof object.target_ref !== 'string') break;
        if (object.relationship_type === 'targets' && object.target_ref.startsWith('identity--'))
          this.victim(object.target_ref);
        if (
          object.relationship_type === 'located-at' &&
          object.source_ref.startsWith('identity--')
        ) {
          const stub: Record<string, unknown> = {
            type: 'relationship',
            relationship_type: 'located-at',
            source_ref: object.source_ref,
            target_ref: object.target_ref,
          };
          if (object.object_marking_refs !== undefined)
            stub.object_marking_refs = object.object_marking_refs;
          this.locatedAt.push(stub);
          this.bytes += 2 * safeLength(stub) + 64;
        }
        break;
      case 'location':
        if (typeof object.id === 'string') {
          this.locations.set(object.id, object);
          this.bytes += 2 * safeLength(object) + 64;
        }
        break;
      case 'identity':
        if (typeof object.id !== 'string') break;
        if (Array.isArray(object.labels) && object.labels.includes('victim'))
          this.victim(object.id);
        if (
          (this.a.victimProtection.identities === 'generalise' &&
            object.identity_class === 'class') ||
          (this.key !== undefined && isOwnPseudonym(object, this.key))
        ) {
          const stub = {
            type: 'identity',
            id: object.id,
            identity_class: object.identity_class,
            name: object.name,
          };
          this.protectedIdentities.set(object.id, stub);
          this.bytes += 2 * safeLength(stub) + 64;
        }
        break;
    }
  }

  private victim(id: string): void {
    if (this.victimIds.has(id)) return;
    this.victimIds.add(id);
    this.bytes += 2 * id.length + 64;
  }

  /**
   * The facts of the collection followed by `extra` objects (versions a part holds that are
   * not the collection's latest): what `bundleFacts` of all of them in that order gives.
   */
  with(extra: readonly unknown[]): BundleFacts {
    const facts = bundleFacts(
      [
        ...this.markingObjects,
        ...this.locatedAt,
        ...this.locations.values(),
        ...this.protectedIdentities.values(),
        ...extra,
      ],
      this.a,
    );
    for (const id of this.victimIds) facts.victimIds.add(id);
    return facts;
  }
}

function safeLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}
