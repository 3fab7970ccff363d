/** The built-in prototypes whose own properties are watched for pollution. */
const WATCHED: readonly [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Boolean.prototype', Boolean.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['Promise.prototype', Promise.prototype],
];

type Snapshot = Map<PropertyKey, PropertyDescriptor>[];

/**
 * Remembers the built-in prototypes' own properties, so a later {@link PrototypeGuard.check}
 * names anything an input added or replaced, and puts the originals back.
 */
export class PrototypeGuard {
  private readonly snapshot: Snapshot = WATCHED.map(([, proto]) => describe(proto));

  /**
   * Compares the prototypes with the snapshot and restores them.
   *
   * @returns A description of the first change (e.g. `Object.prototype.polluted added`), or undefined.
   */
  check(): string | undefined {
    let found: string | undefined;
    WATCHED.forEach(([name, proto], i) => {
      const before = this.snapshot[i]!;
      for (const key of Reflect.ownKeys(proto)) {
        const was = before.get(key);
        const now = Object.getOwnPropertyDescriptor(proto, key)!;
        if (!was) {
          found ??= `${name}.${String(key)} added`;
          Reflect.deleteProperty(proto, key);
        } else if (was.value !== now.value || was.get !== now.get || was.set !== now.set) {
          found ??= `${name}.${String(key)} replaced`;
          Object.defineProperty(proto, key, was);
        }
      }
      for (const [key, was] of before) {
        if (!Object.hasOwn(proto, key)) {
          found ??= `${name}.${String(key)} deleted`;
          Object.defineProperty(proto, key, was);
        }
      }
    });
    if (Object.getPrototypeOf(Object.prototype) !== null) {
      found ??= 'Object.prototype got a prototype';
      Object.setPrototypeOf(Object.prototype, null);
    }
    return found;
  }
}

function describe(proto: object): Map<PropertyKey, PropertyDescriptor> {
  const map = new Map<PropertyKey, PropertyDescriptor>();
  for (const key of Reflect.ownKeys(proto))
    map.set(key, Object.getOwnPropertyDescriptor(proto, key)!);
  return map;
}
