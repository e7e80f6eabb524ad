/**
 * The browser every e2e spec and client benchmark drives: Debian's Chromium (never `playwright
 * install`), with the same flags everywhere. Without the background-networking flags Chromium
 * floods the closed network with refused connections. No Playwright imports: the benchmarks use
 * this with chrome-launcher too.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
