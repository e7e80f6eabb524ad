import { MemoryStorage } from './memory.ts';
import { storageContract } from './storage.contract.ts';

storageContract('memory', () => ({ storage: new MemoryStorage() }));
