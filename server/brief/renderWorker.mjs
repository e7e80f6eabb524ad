// The entry point of a render worker thread. Plain JavaScript, because a Worker starts with
// Node's own loader: under `tsx` or `node --import tsx` the thread inherits tsx through execArgv,
// under vitest it does not. tsImport loads the TypeScript worker in both cases (it registers a
// loader scoped to this import, so it does not matter whether tsx is already there).
import { tsImport } from 'tsx/esm/api';

await tsImport('./renderWorker.ts', import.meta.url);
