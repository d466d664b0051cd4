/** Declarative NDR 2.0 codec (C706 ch. 14). */
export * from './core.js';
export * from './types.js';
export * from './call.js';
