/**
 * The room's serial queue: every message, server change and compaction runs strictly after the
 * previous one finished. With synchronous storage every task finishes inline; with async storage,
 * later messages wait for an append to finish, so updates are applied in the order they were
 * stored.
 */
import type { Awaitable } from '../storage/storage.ts';

/** A step the room runs strictly after the previous one finished (storage may be async). */
export type Task = () => Awaitable<void>;

export function isPromise<T>(value: Awaitable<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

export class UpdateQueue {
  private tasks: Task[] = [];
  private running = false;

  /** `failed` hears of a task that threw or rejected; the queue goes on with the next. */
  constructor(private readonly failed: (error: unknown) => void) {}

  enqueue(task: Task): void {
    this.tasks.push(task);
    if (!this.running) this.run();
  }

  private run(): void {
    this.running = true;
    while (this.tasks.length > 0) {
      const task = this.tasks.shift()!;
      let result: Awaitable<void>;
      try {
        result = task();
      } catch (error) {
        this.failed(error);
        continue;
      }
      if (isPromise(result)) {
        result.catch((error: unknown) => this.failed(error)).finally(() => this.run());
        return;
      }
    }
    this.running = false;
  }
}
