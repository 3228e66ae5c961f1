export * from './http-fake';
export * from './fake-llm';
export * from './fake-slack';
export * from './mcp-server';
