export * from './bulk.plan';
export * from './bulk.refs';
export * from './bulk.request';
export * from './bulk.response';
export * from './cursor';
export * from './list-response';
