export * from './executions.dto';
export * from './executions.subjects';
