#!/usr/bin/env node
import { processIo } from './cli-io';
import { main } from './main';

// `intelshare ... | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// Ctrl+C or a service manager's SIGTERM ends long-running commands (`serve`) cleanly;
// a second signal ends the process at once.
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
}

process.exitCode = await main(process.argv.slice(2), {
  ...processIo(),
  signal: controller.signal,
});
