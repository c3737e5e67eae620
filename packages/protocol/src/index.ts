export * from './names.ts';
export * from './limits.ts';
export * from './entities.ts';
export * from './calls.ts';
export * from './statements.ts';
export * from './parse.ts';
export * from './frames.ts';
export * from './connect.ts';
