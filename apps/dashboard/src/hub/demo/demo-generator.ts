import { randomUUID } from 'node:crypto';
import { TLP2_MARKING_IDS } from '@intelshare/policy';

const PRODUCER = 'identity--5a1c5b2e-8f3d-4c1a-9b7e-2d4f6a8c0e11'; // the MoU's provider party
const VICTIM = 'identity--0d7e4b1c-3a2f-4e5d-9c8b-7a6f5e4d3c2b';
const TLPS = [
  TLP2_MARKING_IDS['TLP:CLEAR'],
  TLP2_MARKING_IDS['TLP:GREEN'],
  TLP2_MARKING_IDS['TLP:AMBER'],
  TLP2_MARKING_IDS['TLP:AMBER+STRICT'],
  TLP2_MARKING_IDS['TLP:RED'],
];

/**
 * Publishes a few fresh indicators and a sighting to the demo TAXII collection on a timer,
 * so the hub's screens move. Values come from the ranges reserved for documentation
 * (RFC 5737 addresses, RFC 2606 `.example` names), never real infrastructure.
 */
export class DemoGenerator {
  readonly #publish: (objects: readonly unknown[]) => Promise<void>;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #counter = 0;
  readonly #published: string[] = [];

  constructor(publish: (objects: readonly unknown[]) => Promise<void>, intervalMs: number) {
    this.#publish = publish;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running) return; // never overlap two publications
      this.#running = this.tick()
        .catch(() => {})
        .finally(() => {
          this.#running = undefined;
        });
    }, this.#intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Publishes one round now: two indicators and, once some exist, a sighting. */
  async tick(): Promise<void> {
    const now = new Date().toISOString();
    const objects: Record<string, unknown>[] = [];
    if (this.#counter === 0) {
      objects.push({
        type: 'identity',
        spec_version: '2.1',
        id: PRODUCER,
        created: now,
        modified: now,
        name: 'Example Security Ltd',
        identity_class: 'organization',
      });
      objects.push({
        type: 'identity',
        spec_version: '2.1',
        id: VICTIM,
        created: now,
        modified: now,
        name: 'Example Victim Hospital',
        identity_class: 'organization',
        sectors: ['healthcare'],
        object_marking_refs: [TLP2_MARKING_IDS['TLP:AMBER']],
      });
    }
    for (let i = 0; i < 2; i++) {
      const n = this.#counter++;
      const kind = n % 3;
      const value =
        kind === 0
          ? `203.0.113.${n % 250}`
          : kind === 1
            ? `c2-${n}.malware.example`
            : `http://dl-${n}.phish.example/login.php`;
      const path = kind === 0 ? 'ipv4-addr:value' : kind === 1 ? 'domain-name:value' : 'url:value';
      const id = `indicator--${randomUUID()}`;
      objects.push({
        type: 'indicator',
        spec_version: '2.1',
        id,
        created: now,
        modified: now,
        created_by_ref: PRODUCER,
        name: `Generated ${kind === 0 ? 'C2 address' : kind === 1 ? 'C2 domain' : 'phishing URL'} #${n}`,
        indicator_types: ['malicious-activity'],
        pattern: `[${path} = '${value}']`,
        pattern_type: 'stix',
        valid_from: now,
        confidence: 40 + (n % 6) * 10,
        object_marking_refs: [TLPS[n % TLPS.length]],
      });
      this.#published.push(id);
    }
    if (this.#published.length > 2) {
      const target = this.#published[this.#counter % (this.#published.length - 1)]!;
      objects.push({
        type: 'sighting',
        spec_version: '2.1',
        id: `sighting--${randomUUID()}`,
        created: now,
        modified: now,
        created_by_ref: PRODUCER,
        sighting_of_ref: target,
        where_sighted_refs: [VICTIM],
        count: 1 + (this.#counter % 5),
        first_seen: now,
        last_seen: now,
        description: 'Seen in the proxy logs of a customer.',
        object_marking_refs: [TLP2_MARKING_IDS['TLP:AMBER']],
      });
    }
    await this.#publish(objects);
  }
}
