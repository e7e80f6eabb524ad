/**
 * The one limit on request bodies under /api: a body over `maxBytes` is refused with 413 before
 * any handler (or the board check) runs. Bodies without a length are counted as they arrive.
 */
import { bodyLimit } from 'hono/body-limit';

export function apiBodyLimit(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json({ error: `body larger than ${maxBytes} bytes` }, 413),
  });
}
