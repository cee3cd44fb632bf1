export * from './money.ts';
export * from './ids.ts';
export * from './errors.ts';
export * from './clock.ts';
export * from './events.ts';
export * from './principal.ts';
