import type { Context } from './context';

/**
 * A one-line live counter on stderr, shown only when stderr is a terminal (so logs and
 * pipes stay clean). TAXII servers do not say how many objects a collection holds, so a
 * bar with a percentage would be a guess; a running count with the rate is honest.
 */
export interface Progress {
  update(counts: { objects: number; pages: number }): void;
  done(): Promise<void>;
}

export function createProgress(ctx: Context, verb: string, enabled: boolean): Progress {
  if (!enabled || !ctx.stderrIsTTY) return { update() {}, done: async () => {} };
  const started = Date.now();
  let last = 0;
  let line = '';
  const render = (objects: number, pages: number) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = Math.round(objects / seconds);
    line = `${verb} ${objects.toLocaleString('en-US')} objects in ${pages} page${pages === 1 ? '' : 's'} (${rate.toLocaleString('en-US')}/s)`;
    void ctx.err(`\r\u001b[2K${ctx.errStyle.dim(line)}`);
  };
  let latest = { objects: 0, pages: 0 };
  return {
    update(counts) {
      latest = counts;
      const now = Date.now();
      // Redrawing more than ~10 times a second only costs time.
      if (now - last < 100) return;
      last = now;
      render(counts.objects, counts.pages);
    },
    async done() {
      render(latest.objects, latest.pages);
      await ctx.err('\n');
    },
  };
}
