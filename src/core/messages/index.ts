export * from './bulk';
export * from './cursor';
export * from './list-response';
