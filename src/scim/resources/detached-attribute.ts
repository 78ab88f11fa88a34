import { AttributeDelta } from '../../core/patch/patch.types';
import { ScimJson, StoredResource } from '../../core/ports/resource.types';
import { RequestContext } from '../http/request-context';

/** Hooks around one store write: `before` runs before it, `after` once it committed. */
export interface HookBracket {
  before(): Promise<void>;
  after(): Promise<void>;
}

/** What a change of a detached attribute hands the store, and the hooks it fires. */
export interface DetachedChange<V> {
  /** the store's `detached` value of the create or update (a group's member refs or delta) */
  readonly value: V;
  /** the change sets or changes values (a create with none leaves the attribute out of its event) */
  readonly nonEmpty: boolean;
  readonly hooks?: HookBracket;
}

/** A change of a detached attribute as a request states it. */
export type DetachedInput =
  /** PUT (RFC 7644 §3.5.1) or a PATCH that needed the values in full: the new values */
  | { readonly replaceAll: unknown }
  /** a PATCH's set operations on the values (RFC 7644 §3.5.2), without reading them */
  | { readonly delta: AttributeDelta };

/**
 * A multi-valued attribute a resource type keeps apart from its document (a group's
 * `members`, RFC 7643 §4.2): written as set operations that cost the values changed, read
 * only when a client asks for it. The one resource service takes the attribute out of the
 * document and hands its changes here.
 */
export interface DetachedAttribute<C, U> {
  readonly name: string;
  /** the values a POST sets, checked (unknown references are 400) */
  created(ctx: RequestContext, id: string, doc: ScimJson, values: unknown): Promise<DetachedChange<C>>;
  /** a PUT or PATCH change, checked; undefined when it changes nothing */
  changed(ctx: RequestContext, id: string, doc: ScimJson, input: DetachedInput): Promise<DetachedChange<U> | undefined>;
  /** whether hooks watch changes of the values (a delete then reads the resource first) */
  hooked(): boolean;
  /** the hooks of a delete (the values leave with the resource); called when `hooked()` */
  deleted(ctx: RequestContext, id: string, current: StoredResource): HookBracket;
  /** every value, read a page at a time */
  all(tenantId: string, id: string): Promise<readonly object[]>;
  /** the values as served (RFC 7643 §2.4 `$ref` and `type`) */
  wire(values: readonly unknown[], ctx: RequestContext): ScimJson[];
}
