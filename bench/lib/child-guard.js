'use strict';
/**
 * Preloaded into the server child (node -r): the server exits when the harness that started it
 * is gone (so a killed harness never leaves a server running).
 *
 * With BENCH_PROFILE_DIR set (`--profile`), the IPC messages 'profile-start' / 'profile-stop'
 * drive the V8 CPU profiler through the inspector (not a signal: Nest's enableShutdownHooks
 * shuts the app down on SIGUSR2). 'profile-stop' writes
 * `<BENCH_PROFILE_DIR>/window-<n>.cpuprofile` (n = 0, 1, ...), then `window-<n>.done`. The
 * harness profiles exactly each scenario's measured phase this way, without start-up, seeding
 * or warm-up.
 */
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 1000);
timer.unref();

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const inspector = require('node:inspector');
  const { writeFileSync } = require('node:fs');
  const path = require('node:path');
  const interval = Number(process.env.BENCH_PROFILE_INTERVAL_US) || 250;
  let session;
  let windows = 0;
  process.on('message', (m) => {
    if (m === 'profile-start' && !session) {
      session = new inspector.Session();
      session.connect();
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval }, () => session.post('Profiler.start')),
      );
      return;
    }
    if (m !== 'profile-stop' || !session) {
      return;
    }
    const s = session;
    session = undefined;
    const n = windows++;
    s.post('Profiler.stop', (err, res) => {
      try {
        if (!err && res && res.profile) {
          writeFileSync(path.join(dir, `window-${n}.cpuprofile`), JSON.stringify(res.profile));
        }
      } finally {
        writeFileSync(path.join(dir, `window-${n}.done`), err ? String(err) : '');
        s.disconnect();
      }
    });
  });
  // after the listener (adding one refs the channel): it must not keep the server alive alone
  process.channel?.unref();
}
