export * from './connections.dto';
export * from './connections.subjects';
