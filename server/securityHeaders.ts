/**
 * Response headers that limit what a hostile board can do in a browser. Card bodies are written
 * by any peer, and Lexical turns some node attributes into DOM (a heading's tag, a text's style),
 * so the page must not run any script it did not load from this origin: no inline script, no
 * eval, no plugins. Styles may be inline (Lexical and React set style attributes).
 */
import { secureHeaders } from 'hono/secure-headers';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

export const PAGE_HEADERS: SecureHeadersOptions = {
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", 'ws:', 'wss:'],
    workerSrc: ["'self'"],
    manifestSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
  // plain http on a venue LAN is a supported set-up: no HSTS, no cross-origin isolation
  strictTransportSecurity: false,
  crossOriginEmbedderPolicy: false,
};

export const API_HEADERS: SecureHeadersOptions = {
  referrerPolicy: 'no-referrer',
  strictTransportSecurity: false,
  crossOriginEmbedderPolicy: false,
  // downloads (the brief) may be opened by the sponsor's own tools
  crossOriginResourcePolicy: false,
};

export { secureHeaders };
