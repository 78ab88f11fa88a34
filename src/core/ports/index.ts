export * from './resource.types';
export * from './token.repository';
export * from './tokens';
export * from './user.repository';
export * from './group.repository';
export * from './change-event';
