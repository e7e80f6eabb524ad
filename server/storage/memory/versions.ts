/** The saved-versions part of the in-memory storage. */
import type { StoredVersion, VersionRecord, VersionStore } from '../versions.ts';
import type { MemoryBoards } from './boards.ts';

export class MemoryVersions implements VersionStore {
  private readonly versions = new Map<string, StoredVersion[]>();

  constructor(private readonly boards: MemoryBoards) {}

  saveVersion(version: StoredVersion): void {
    this.boards.check(version.boardId);
    if (!(version.state instanceof Uint8Array)) throw new TypeError('state must be a Uint8Array');
    for (const list of this.versions.values()) {
      if (list.some((v) => v.id === version.id)) throw new Error(`version ${version.id} exists`);
    }
    const list = this.versions.get(version.boardId) ?? [];
    list.push(copyVersion(version));
    this.versions.set(version.boardId, list);
  }

  listVersions(boardId: string): VersionRecord[] {
    return (this.versions.get(boardId) ?? [])
      .map(({ state: _state, votes: _votes, ...record }) => ({ ...record, createdBy: { ...record.createdBy } }))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  getVersion(boardId: string, versionId: string): StoredVersion | null {
    const found = this.versions.get(boardId)?.find((v) => v.id === versionId);
    return found ? copyVersion(found) : null;
  }
}

function copyVersion(version: StoredVersion): StoredVersion {
  return { ...version, createdBy: { ...version.createdBy }, state: version.state.slice() };
}
