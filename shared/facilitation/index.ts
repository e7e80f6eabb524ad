/**
 * Facilitation: how a session runs. Templates and their phases (templates.ts), the session state
 * and the phase machine that moves it on (phases.ts), who may do what (permissions.ts), and the
 * state as the server stores it (stored.ts). Pure functions: nothing here touches Yjs or the network.
 */
export * from './templates.ts';
export * from './phases.ts';
export * from './permissions.ts';
export * from './stored.ts';
