/**
 * A deterministic generator of spec-valid STIX 2.1 objects for benchmarks and property
 * tests: the same seed always yields the same objects, so runs compare.
 */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class StixGenerator {
  readonly #random: () => number;
  #count = 0;
  readonly #ids: string[] = [];
  readonly #sdoIds: string[] = [];

  constructor(seed = 1) {
    this.#random = mulberry32(seed);
  }

  #hex(n: number): string {
    let s = '';
    while (s.length < n)
      s += Math.floor(this.#random() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, n);
  }

  uuid(): string {
    const variant = '89ab'[Math.floor(this.#random() * 4)];
    return `${this.#hex(8)}-${this.#hex(4)}-4${this.#hex(3)}-${variant}${this.#hex(3)}-${this.#hex(12)}`;
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)]!;
  }

  #timestamp(): string {
    const ms = 1_450_000_000_000 + Math.floor(this.#random() * 300_000_000_000);
    return new Date(ms).toISOString();
  }

  #words(n: number): string {
    const words = [
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
      'foxtrot',
      'golf',
      'hotel',
      'india',
      'juliet',
      'kilo',
      'lima',
    ];
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.#pick(words));
    return out.join(' ');
  }

  #ref(): string {
    return this.#ids.length > 0 ? this.#pick(this.#ids) : `identity--${this.uuid()}`;
  }

  /** An SDO id, for sightings (STIX 2.1 §5.2). */
  #sdoRef(): string {
    return this.#sdoIds.length > 0 ? this.#pick(this.#sdoIds) : `identity--${this.uuid()}`;
  }

  /** The next object; a realistic mix dominated by relationships and indicators. */
  next(): Record<string, unknown> {
    const n = this.#count++;
    const created = this.#timestamp();
    const common = (type: string) => ({
      type,
      spec_version: '2.1',
      id: `${type}--${this.uuid()}`,
      created,
      modified: created,
    });
    const roll = this.#random();
    let object: Record<string, unknown>;
    if (roll < 0.35 && this.#ids.length > 2) {
      object = {
        ...common('relationship'),
        relationship_type: this.#pick(['indicates', 'uses', 'targets', 'related-to', 'mitigates']),
        source_ref: this.#ref(),
        target_ref: this.#ref(),
      };
    } else if (roll < 0.55) {
      const ip = `${Math.floor(this.#random() * 223) + 1}.${Math.floor(this.#random() * 256)}.${Math.floor(this.#random() * 256)}.${Math.floor(this.#random() * 256)}`;
      object = {
        ...common('indicator'),
        name: `Indicator ${n}`,
        description: this.#words(12),
        indicator_types: [this.#pick(['malicious-activity', 'anomalous-activity', 'compromised'])],
        pattern: `[ipv4-addr:value = '${ip}']`,
        pattern_type: 'stix',
        valid_from: created,
        labels: ['generated'],
        confidence: Math.floor(this.#random() * 100),
        object_marking_refs: ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da'],
      };
    } else if (roll < 0.65) {
      object = {
        ...common('attack-pattern'),
        name: `Technique ${n}`,
        description: this.#words(30),
        kill_chain_phases: [
          {
            kill_chain_name: 'mitre-attack',
            phase_name: this.#pick(['execution', 'persistence', 'discovery']),
          },
        ],
        external_references: [
          {
            source_name: 'mitre-attack',
            external_id: `T${1000 + (n % 9000)}`,
            url: `https://attack.mitre.org/techniques/T${1000 + (n % 9000)}`,
          },
        ],
      };
    } else if (roll < 0.72) {
      object = {
        ...common('malware'),
        name: `Malware ${n}`,
        is_family: true,
        malware_types: [this.#pick(['backdoor', 'trojan', 'ransomware'])],
        description: this.#words(20),
      };
    } else if (roll < 0.77) {
      object = {
        ...common('identity'),
        name: `Org ${n}`,
        identity_class: 'organization',
        sectors: [this.#pick(['technology', 'financial-services', 'healthcare'])],
      };
    } else if (roll < 0.82) {
      object = {
        ...common('sighting'),
        sighting_of_ref: this.#sdoRef(),
        count: 1 + Math.floor(this.#random() * 50),
        first_seen: created,
        last_seen: created,
      };
    } else if (roll < 0.88) {
      object = {
        type: 'file',
        spec_version: '2.1',
        id: `file--${this.uuid()}`,
        name: `sample-${n}.exe`,
        size: Math.floor(this.#random() * 1e6),
        hashes: { 'SHA-256': this.#hex(64), MD5: this.#hex(32) },
      };
    } else if (roll < 0.93) {
      object = {
        type: 'domain-name',
        spec_version: '2.1',
        id: `domain-name--${this.uuid()}`,
        value: `host${n}.example.com`,
      };
    } else if (roll < 0.97) {
      object = {
        ...common('threat-actor'),
        name: `Actor ${n}`,
        threat_actor_types: ['crime-syndicate'],
        aliases: [`A${n}`],
        first_seen: created,
        sophistication: 'advanced',
      };
    } else {
      object = {
        ...common('report'),
        name: `Report ${n}`,
        published: created,
        report_types: ['threat-report'],
        object_refs: [this.#ref(), this.#ref()],
      };
    }
    // Only SDOs and SCOs may be relationship or sighting targets (STIX 2.1 §5).
    if (object.type === 'relationship' || object.type === 'sighting') return object;
    if (object.created !== undefined) {
      if (this.#sdoIds.length < 5000) this.#sdoIds.push(object.id as string);
      else this.#sdoIds[n % 5000] = object.id as string;
    }
    if (this.#ids.length < 5000) this.#ids.push(object.id as string);
    else this.#ids[n % 5000] = object.id as string;
    return object;
  }

  /** A bundle of `count` objects as JSON text. */
  bundleText(count: number): string {
    const parts: string[] = [];
    for (let i = 0; i < count; i++) parts.push(JSON.stringify(this.next()));
    return `{"type":"bundle","id":"bundle--${this.uuid()}","objects":[${parts.join(',')}]}`;
  }

  /**
   * A bundle of about `totalBytes` bytes as a stream of ~64 KiB chunks, generated on the
   * fly and never held whole. For speed, objects come from a pool of 4096 generated
   * objects, each emitted with a fresh id, so every object in the stream is distinct.
   */
  async *bundleChunks(totalBytes: number): AsyncGenerator<Uint8Array> {
    const encoder = new TextEncoder();
    const pool: { head: string; tail: string }[] = [];
    for (let i = 0; i < 4096; i++) {
      const text = JSON.stringify(this.next());
      // `"id":"<type>--<uuid>"`: split around the 36-character UUID.
      const at = text.indexOf('--', text.indexOf('"id":"')) + 2;
      pool.push({ head: text.slice(0, at), tail: text.slice(at + 36) });
    }
    let produced = 0;
    let batch = `{"type":"bundle","id":"bundle--${this.uuid()}","objects":[`;
    let n = 0;
    while (produced < totalBytes) {
      const template = pool[n % pool.length]!;
      batch += `${n === 0 ? '' : ','}${template.head}${this.uuid()}${template.tail}`;
      n++;
      if (batch.length >= 65_536) {
        const bytes = encoder.encode(batch);
        produced += bytes.length;
        batch = '';
        yield bytes;
      }
    }
    yield encoder.encode(`${batch}]}`);
  }
}
