// In-memory storage for oidc-provider. Clients come from the identity provider's live registry,
// so a secret rotation or a role change applies to the very next token request; oidc-provider
// caches a client by a hash of its metadata, so changed metadata is never served stale.
import type { Adapter, AdapterFactory } from 'oidc-provider';

type Payload = Record<string, unknown>;

interface Entry {
  payload: Payload;
  expiresAt: number | undefined;
}

/** Storage for the provider's own artifacts (grants, sessions...): a Map with expiry. */
class MemoryModelAdapter implements Adapter {
  readonly #entries = new Map<string, Entry>();

  #live(id: string): Payload | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry.payload;
  }

  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const expiresAt = expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000;
    this.#entries.set(id, { payload, expiresAt });
    return Promise.resolve();
  }

  find(id: string): Promise<Payload | undefined> {
    return Promise.resolve(this.#live(id));
  }

  findByUserCode(userCode: string): Promise<Payload | undefined> {
    return Promise.resolve(this.#findBy('userCode', userCode));
  }

  findByUid(uid: string): Promise<Payload | undefined> {
    return Promise.resolve(this.#findBy('uid', uid));
  }

  consume(id: string): Promise<void> {
    const payload = this.#live(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.#entries.delete(id);
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, entry] of this.#entries) {
      if (entry.payload.grantId === grantId) this.#entries.delete(id);
    }
    return Promise.resolve();
  }

  #findBy(field: string, value: string): Payload | undefined {
    for (const id of this.#entries.keys()) {
      const payload = this.#live(id);
      if (payload?.[field] === value) return payload;
    }
    return undefined;
  }
}

/** Serves client metadata from a lookup function; clients are never written through the adapter. */
class ClientRegistryAdapter extends MemoryModelAdapter {
  readonly #lookup: (clientId: string) => Payload | undefined;

  constructor(lookup: (clientId: string) => Payload | undefined) {
    super();
    this.#lookup = lookup;
  }

  override find(id: string): Promise<Payload | undefined> {
    return Promise.resolve(this.#lookup(id));
  }
}

/** An adapter factory for one provider instance (no state shared between stacks). */
export function createAdapterFactory(
  clientMetadata: (clientId: string) => Payload | undefined,
): AdapterFactory {
  const adapters = new Map<string, Adapter>();
  return (modelName: string) => {
    let adapter = adapters.get(modelName);
    if (!adapter) {
      adapter =
        modelName === 'Client'
          ? new ClientRegistryAdapter(clientMetadata)
          : new MemoryModelAdapter();
      adapters.set(modelName, adapter);
    }
    return adapter;
  };
}
