export * from './agent.factory';
