import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import {
  type CompiledAgreement,
  compileAgreement,
  parseAgreement,
  type Recipient,
  renderAgreement,
} from '@intelshare/policy';
import { hashApiKey } from '@intelshare/taxii-server';
import type { PartnerConfig } from './config';
import type { HubStore } from './store/hub-store';

const require = createRequire(import.meta.url);

/** A partner as the pages and the TAXII endpoint need it. */
export interface Partner {
  id: string;
  name: string;
  agreement: CompiledAgreement;
  /** The agreement in words (Markdown from `renderAgreement`). */
  agreementText: string;
  recipient: Recipient;
  /** The principal its API keys authenticate as. */
  principal: string;
  /** Its TAXII 2.1 API root path, e.g. `partner-crime-agency`. */
  apiRoot: string;
}

/** Reads a partner's agreement: `builtin:<name>` from `@intelshare/policy`, else a file. */
function agreementSource(reference: string, configDir: string): string {
  if (reference.startsWith('builtin:')) {
    const name = reference.slice('builtin:'.length);
    if (!/^[a-z0-9-]{1,100}$/.test(name))
      throw new Error(`\`${reference}\`: not a shipped agreement name`);
    return readFileSync(require.resolve(`@intelshare/policy/agreements/${name}.yaml`), 'utf8');
  }
  return readFileSync(isAbsolute(reference) ? reference : resolve(configDir, reference), 'utf8');
}

export function loadPartners(
  configs: readonly PartnerConfig[],
  configDir: string,
): Map<string, Partner> {
  const partners = new Map<string, Partner>();
  configs.forEach((config, index) => {
    let agreement: CompiledAgreement;
    try {
      agreement = compileAgreement(parseAgreement(agreementSource(config.agreement, configDir)));
    } catch (error) {
      throw new Error(
        `partners[${index}].agreement: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
    partners.set(config.id, {
      id: config.id,
      name: config.name,
      agreement,
      agreementText: renderAgreement(agreement),
      recipient: config.recipient,
      principal: `partner:${config.id}`,
      apiRoot: `partner-${config.id}`,
    });
  });
  return partners;
}

export interface ApiKeyInfo {
  id: string;
  partnerId: string;
  /** The last four characters, so people can tell keys apart. */
  hint: string;
  created: number;
  revoked: number | null;
}

/** Partner API keys: shown once when created, stored as `hashApiKey` hashes only. */
export class ApiKeys {
  readonly #store: HubStore;
  constructor(store: HubStore) {
    this.#store = store;
  }

  /** Creates a key and returns it in clear text: the only time it exists outside the caller. */
  async create(partnerId: string): Promise<{ info: ApiKeyInfo; key: string }> {
    const key = `ish_${randomBytes(24).toString('base64url')}`;
    const info: ApiKeyInfo = {
      id: randomUUID(),
      partnerId,
      hint: key.slice(-4),
      created: Date.now(),
      revoked: null,
    };
    await this.#store.insertApiKey({
      id: info.id,
      partnerId,
      hash: await hashApiKey(key),
      hint: info.hint,
      created: info.created,
    });
    return { info, key };
  }

  revoke(partnerId: string, keyId: string): Promise<boolean> {
    return this.#store.revokeApiKey(partnerId, keyId, Date.now());
  }

  async list(partnerId: string): Promise<ApiKeyInfo[]> {
    return (await this.#store.apiKeys(partnerId)).map((row) => ({
      id: row.id,
      partnerId: row.partner_id,
      hint: row.hint,
      created: row.created,
      revoked: row.revoked,
    }));
  }

  /** Active keys as the TAXII handler's `auth.apiKeys`. */
  active(): Promise<{ partnerId: string; hash: string }[]> {
    return this.#store.activeApiKeys();
  }
}
