export * from './types';
export * from './errors';
export * from './http/retry';
export * from './http/sse';
export { DEFAULT_HTTP } from './http/provider-http';
export type { HttpSettings } from './http/provider-http';
export * from './openai/openai.provider';
export * from './anthropic/anthropic.provider';
export * from './provider-factory';
