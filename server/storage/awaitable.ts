/**
 * A storage method's result: a plain value (better-sqlite3 is synchronous) or a promise (a network
 * database). Callers that must stay synchronous when storage is (the room's write path) check with
 * `isPromise`; everyone else simply awaits.
 */
export type Awaitable<T> = T | Promise<T>;
