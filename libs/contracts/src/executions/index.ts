export * from './executions.dto';
export * from './executions.subjects';
export * from './runs-read.dto';
export * from './approvals.dto';
export * from './stats.dto';
export * from './progress';
