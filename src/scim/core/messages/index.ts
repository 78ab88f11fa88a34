export * from './cursor';
export * from './list-response';
