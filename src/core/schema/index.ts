export * from './attr-path';
export * from './common.schema';
export * from './group.schema';
export * from './schema.registry';
export * from './schema.types';
export * from './user.schema';
export * from './catalogue.schema';
