export * from './hooks.dto';
export * from './hooks.subjects';
