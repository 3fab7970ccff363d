import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureInChild, runBenchSuite } from '../src/index';

const resultFile = join(
  __dirname,
  '..',
  '..',
  '..',
  'bench',
  'results',
  'bench-harness-self-test.json',
);

afterAll(() => rmSync(resultFile, { force: true }));

describe('runBenchSuite', () => {
  it('measures cases beside the baseline and writes the JSON report', async () => {
    const bytes = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ i, s: `v${i}` })));
    const report = await runBenchSuite({
      name: 'bench-harness-self-test',
      baseline: {
        name: 'JSON.parse',
        run: () => JSON.parse(bytes),
        bytes: bytes.length,
        items: 2000,
      },
      cases: [
        {
          name: 'parse twice',
          run: () => [JSON.parse(bytes), JSON.parse(bytes)],
          bytes: bytes.length,
          items: 2000,
        },
      ],
      iterations: 5,
      time: 50,
      extra: { note: 'self-test' },
    });
    expect(report.baseline.ratioToBaseline).toBe(1);
    const [twice] = report.cases;
    // The derived figures follow from ops/s (no assumption about which case is faster).
    const ratio = twice!.opsPerSec / report.baseline.opsPerSec;
    expect(twice!.ratioToBaseline).toBeCloseTo(ratio, 2);
    expect(twice!.mbPerSec).toBeCloseTo((bytes.length * twice!.opsPerSec) / 1e6, 1);
    // meanMs is rounded to four significant digits in the report, hence the tolerance.
    const items = 2000 * twice!.opsPerSec;
    expect(Math.abs(twice!.itemsPerSec! - items) / items).toBeLessThan(0.01);
    expect(twice!.runs).toBeGreaterThanOrEqual(5);
    const written = JSON.parse(readFileSync(resultFile, 'utf8'));
    expect(written.name).toBe('bench-harness-self-test');
    expect(written.cases[0].name).toBe('parse twice');
    expect(written.extra).toEqual({ note: 'self-test' });
  });

  it('reports a child process peak RSS that grows with what the child holds', async () => {
    const script = join(__dirname, 'fixtures', 'hold-memory.ts');
    const small = await measureInChild(script, ['1']);
    const large = await measureInChild(script, ['200']);
    expect(small.stdout.trim()).toBe('held 1 MB');
    expect(large.peakRssBytes - small.peakRssBytes).toBeGreaterThan(150 * 1024 * 1024);
  });
});
