import { Provider } from '@nestjs/common';
import { ScimAdapter } from '../../scim/scim.options';

/** The port bound to the host's adapter (useClass / useExisting), or to the built-in store. */
export function portProvider<T>(
  token: symbol,
  adapter: ScimAdapter<T> | undefined,
  builtIn: Provider,
): Provider {
  return adapter === undefined ? builtIn : adapterProvider(token, adapter);
}

/** The port bound to the host's class (useClass) or provider (useExisting). */
export function adapterProvider<T>(token: symbol, adapter: ScimAdapter<T>): Provider {
  return typeof adapter === 'function'
    ? { provide: token, useClass: adapter }
    : { provide: token, useExisting: adapter.useExisting };
}
