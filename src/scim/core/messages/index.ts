export * from './list-response';
