import { Injectable } from '@nestjs/common';
import { ScimChangeEvent, ScimEventListener, ScimEventsOptions } from '../../src/library';
import { EmbeddedHost } from './embedded-host';

/** An in-process listener of the host app: records what it is handed, can be made to fail. */
@Injectable()
export class RecordingListener implements ScimEventListener {
  readonly events: ScimChangeEvent[] = [];
  /** calls still to reject */
  failures = 0;

  handle(event: ScimChangeEvent): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('listener is down'));
    }
    this.events.push(event);
    return Promise.resolve();
  }
}

/**
 * A host application embedding ScimModule with one in-process change-event listener (the
 * ScimModule `listeners` option), on an existing database, listening on a loopback port.
 */
export class EventsApp extends EmbeddedHost {
  static async start(url: string, events: ScimEventsOptions = {}): Promise<EventsApp> {
    return new EventsApp(
      await EmbeddedHost.boot(url, {
        tokenPepper: 'events-test-pepper-0123456789',
        listeners: [RecordingListener],
        events,
      }),
    );
  }

  get listener(): RecordingListener {
    return this.provider(RecordingListener);
  }
}
