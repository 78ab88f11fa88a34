import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CreateHookEvent,
  CreatedHookEvent,
  DeleteHookEvent,
  HookContext,
  MembershipHookEvent,
  ScimLifecycleHooks,
  UpdateHookEvent,
} from '../../core/ports/lifecycle';
import { activeFlip } from '../../core/ports/change-event';
import { ScimJson } from '../../core/ports/resource.types';
import { SCIM_LIFECYCLE_HOOKS } from '../../core/ports/tokens';
import { RequestContext } from '../http/request-context';

type HookName = keyof ScimLifecycleHooks;

/** The after-hooks held back while a unit of work is open in this async context. */
const held = new AsyncLocalStorage<Array<() => Promise<void>>>();

/**
 * Runs the lifecycle hooks for the Users and Groups services. Which hooks
 * exist is worked out once at start-up, so a server without hooks pays one Set look-up per
 * write. Before-hooks veto by throwing; after-hooks' errors are logged (the change committed).
 */
@Injectable()
export class LifecycleHooks {
  private readonly logger = new Logger('ScimLifecycleHooks');
  private readonly present: ReadonlySet<HookName>;

  constructor(@Inject(SCIM_LIFECYCLE_HOOKS) private readonly hooks: readonly ScimLifecycleHooks[]) {
    const present = new Set<HookName>();
    for (const h of hooks) {
      for (const name of HOOK_NAMES) {
        if (typeof h[name] === 'function') {
          present.add(name);
        }
      }
    }
    this.present = present;
  }

  /**
   * Runs `work` (a unit of work, see core/ports/unit-of-work.ts) with its after-hooks held
   * back: after-hooks run after the change committed, so `release` runs them once the unit
   * committed, and they are dropped when it rolled back. Called again for each attempt.
   */
  async holdingAfterHooks<T>(
    work: () => Promise<T>,
  ): Promise<{ value: T; release: () => Promise<void> }> {
    const queue: Array<() => Promise<void>> = [];
    const value = await held.run(queue, work);
    return {
      value,
      release: async () => {
        for (const run of queue) {
          await run();
        }
      },
    };
  }

  has(name: HookName): boolean {
    return this.present.has(name);
  }

  /** true when some hook wants to see updates of this kind of change */
  wantsUpdate(before: ScimJson, after: ScimJson): boolean {
    const flip = activeFlip(before, after);
    return (
      this.present.has('beforeUpdate') ||
      this.present.has('afterUpdate') ||
      (flip === 'deactivate' && (this.present.has('beforeDeactivate') || this.present.has('afterDeactivate'))) ||
      (flip === 'activate' && (this.present.has('beforeActivate') || this.present.has('afterActivate')))
    );
  }

  beforeCreate(e: CreateHookEvent): Promise<void> {
    return this.run('beforeCreate', e);
  }

  afterCreate(e: CreatedHookEvent): Promise<void> {
    return this.runAfter('afterCreate', e);
  }

  async beforeUpdate(e: UpdateHookEvent): Promise<void> {
    await this.run('beforeUpdate', e);
    const flip = activeFlip(e.before, e.after);
    if (flip === 'deactivate') {
      await this.run('beforeDeactivate', e);
    } else if (flip === 'activate') {
      await this.run('beforeActivate', e);
    }
  }

  async afterUpdate(e: UpdateHookEvent): Promise<void> {
    await this.runAfter('afterUpdate', e);
    const flip = activeFlip(e.before, e.after);
    if (flip === 'deactivate') {
      await this.runAfter('afterDeactivate', e);
    } else if (flip === 'activate') {
      await this.runAfter('afterActivate', e);
    }
  }

  beforeDelete(e: DeleteHookEvent): Promise<void> {
    return this.run('beforeDelete', e);
  }

  afterDelete(e: DeleteHookEvent): Promise<void> {
    return this.runAfter('afterDelete', e);
  }

  beforeMembershipChange(e: MembershipHookEvent): Promise<void> {
    return this.run('beforeMembershipChange', e);
  }

  afterMembershipChange(e: MembershipHookEvent): Promise<void> {
    return this.runAfter('afterMembershipChange', e);
  }

  private async run<E>(name: HookName, e: E): Promise<void> {
    if (!this.present.has(name)) {
      return;
    }
    for (const h of this.hooks) {
      const fn = h[name] as ((e: E) => void | Promise<void>) | undefined;
      if (fn) {
        await fn.call(h, e);
      }
    }
  }

  private async runAfter<E>(name: HookName, e: E): Promise<void> {
    if (!this.present.has(name)) {
      return;
    }
    const queue = held.getStore();
    if (queue) {
      queue.push(() => this.runAfterNow(name, e));
      return;
    }
    await this.runAfterNow(name, e);
  }

  private async runAfterNow<E>(name: HookName, e: E): Promise<void> {
    for (const h of this.hooks) {
      const fn = h[name] as ((e: E) => void | Promise<void>) | undefined;
      try {
        await fn?.call(h, e);
      } catch (err) {
        this.logger.error(
          `${h.constructor.name}.${name} failed after the change committed: ${(err as Error).message}`,
          (err as Error).stack,
        );
      }
    }
  }
}

const HOOK_NAMES: readonly HookName[] = [
  'beforeCreate',
  'afterCreate',
  'beforeUpdate',
  'afterUpdate',
  'beforeDeactivate',
  'afterDeactivate',
  'beforeActivate',
  'afterActivate',
  'beforeDelete',
  'afterDelete',
  'beforeMembershipChange',
  'afterMembershipChange',
];

/** The hook context of a SCIM request: never the token itself. */
export function hookContext(ctx: RequestContext): HookContext {
  return {
    tenantId: ctx.tenantId,
    tokenId: ctx.tokenId,
    ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {}),
  };
}
