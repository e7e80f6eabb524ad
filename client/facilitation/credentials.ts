/**
 * Who you are on each board, as the server knows you: the participantId and secret the first
 * `join` returned, kept per board on this device so that a reload (or tomorrow's session) is the
 * same person with the same dots and drafts. Read back defensively: localStorage is shared with
 * whatever else ran on this origin.
 */
export type Credentials = { participantId: string; secret: string };

export interface CredentialStore {
  load(): Credentials | null;
  save(credentials: Credentials): void;
  clear(): void;
}

const key = (boardId: string) => `crossboard.participant.v1.${boardId}`;

export function localCredentials(boardId: string, storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = localStorage): CredentialStore {
  return {
    load() {
      try {
        const raw = JSON.parse(storage.getItem(key(boardId)) ?? 'null') as Record<string, unknown> | null;
        if (!raw || typeof raw.participantId !== 'string' || typeof raw.secret !== 'string') return null;
        if (!raw.participantId || !raw.secret || raw.participantId.length > 100 || raw.secret.length > 200) return null;
        return { participantId: raw.participantId, secret: raw.secret };
      } catch {
        return null;
      }
    },
    save(credentials) {
      try {
        storage.setItem(key(boardId), JSON.stringify(credentials));
      } catch {
        // storage full or disabled: this device forgets you, the board still works
      }
    },
    clear() {
      try {
        storage.removeItem(key(boardId));
      } catch {
        // as above
      }
    },
  };
}

export function memoryCredentials(initial: Credentials | null = null): CredentialStore & { value: Credentials | null } {
  const store = {
    value: initial,
    load: () => store.value,
    save: (c: Credentials) => void (store.value = c),
    clear: () => void (store.value = null),
  };
  return store;
}
