export * from './errors';
export * from './events';
export * from './rpc';
export * from './pagination';
export * from './scopes';
export * from './subjects';
export * from './agents';
export * from './executions';
