/**
 * A listening socket that outlives the server processes started on it, as systemd keeps one for
 * a socket-activated service: a client that connects while no process serves it waits in the
 * backlog and is answered by the next process. Pass `fd` as a child's fd 3 with `listenEnv`.
 *
 * The socket is opened in a worker thread that then blocks for good, so that no event loop of
 * this process ever accepts from it: the file descriptor belongs to the process, and the
 * children that inherit it are the only ones that accept.
 */
import { Worker } from 'node:worker_threads';

export type HeldPort = {
  port: number;
  /** the socket's file descriptor in this process, for a child's `stdio[3]` */
  fd: number;
  /** closes it: after the processes using it have exited, connecting is refused again */
  release(): Promise<void>;
};

const HOLDER = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const server = net.createServer();
server.on('error', (error) => parentPort.postMessage({ error: error.message }));
server.listen({ port: workerData.port, host: '127.0.0.1', backlog: 4096 }, () => {
  parentPort.postMessage({ port: server.address().port, fd: server._handle.fd });
  // never return to the event loop: it would accept connections meant for the children
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});
`;

export async function holdPort(port = 0): Promise<HeldPort> {
  const worker = new Worker(HOLDER, { eval: true, workerData: { port } });
  const held = await new Promise<{ port: number; fd: number }>((resolve, reject) => {
    worker.once('message', (m: { port: number; fd: number } | { error: string }) => ('error' in m ? reject(new Error(m.error)) : resolve(m)));
    worker.once('error', reject);
  });
  return { ...held, release: async () => void (await worker.terminate()) };
}

/**
 * How to start `argv` (a command and its arguments) so that it finds the held socket as systemd
 * would pass it: LISTEN_FDS=1 and LISTEN_PID set to its own pid, which `sh` knows before it execs.
 */
export function socketActivated(argv: string[]): { command: string; args: string[]; env: Record<string, string> } {
  return { command: 'sh', args: ['-c', 'LISTEN_PID=$$ exec "$0" "$@"', ...argv], env: { LISTEN_FDS: '1' } };
}
