'use strict';
/**
 * Preloaded into the server child (node -r): the server exits when the harness that started it
 * is gone (so a killed harness never leaves a server running), and, for --profile, exits
 * normally on SIGTERM so that --cpu-prof writes its profile (a signal death writes none).
 */
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 1000);
timer.unref();

if (process.env.BENCH_EXIT_ON_SIGTERM === '1') {
  // registered before Nest's shutdown hooks: they would re-raise the signal after closing
  process.on('SIGTERM', () => process.exit(0));
}
