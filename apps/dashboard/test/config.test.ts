import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HubConfigError, parseHubConfig } from '../src/hub/config';

const shipped = fileURLToPath(new URL('../intelshare.yaml', import.meta.url));

function issuesOf(text: string) {
  try {
    parseHubConfig(text, 'hub.yaml', '/srv/hub');
  } catch (error) {
    expect(error).toBeInstanceOf(HubConfigError);
    return (error as HubConfigError).issues;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('hub configuration', () => {
  it('accepts the shipped intelshare.yaml: four demo sources, the three example agreements', () => {
    const config = parseHubConfig(readFileSync(shipped, 'utf8'), shipped, '/srv/hub');
    expect(config.sources.map((s) => s.kind)).toEqual(['taxii', 'misp-feed', 'csv', 'csv']);
    expect(config.partners.map((p) => p.agreement)).toEqual([
      'builtin:vendor-crime-agency-mou',
      'builtin:cert-constituents',
      'builtin:isac-membership',
    ]);
    expect(config.storage.sqlite).toBe('/srv/hub/data/store/intelshare.sqlite');
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 4321 });
  });

  it('names the line and path of a wrong value', () => {
    const issues = issuesOf(
      [
        'storage:',
        '  sqlite: hub.sqlite',
        'sources:',
        '  - id: feed-a',
        '    title: A',
        '    kind: csv',
        '    url: http://127.0.0.1:1/a.csv',
        '    preset: urlhaus',
        '    intervalSeconds: -5',
      ].join('\n'),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'sources[0].intervalSeconds', line: 9 });
  });

  it('names the parent line when a required key is missing, and unknown keys', () => {
    const issues = issuesOf(
      [
        'storage:',
        '  sqlite: hub.sqlite',
        'partners:',
        '  - id: p1',
        '    name: P',
        '    agreemnt: x',
      ].join('\n'),
    );
    const paths = issues.map((i) => `${i.path}@${i.line}`);
    expect(paths).toContain('partners[0].agreement@4');
    expect(paths).toContain('partners[0].recipient@4');
    expect(issues.some((i) => i.path === 'partners[0]' && /agreemnt/.test(i.message))).toBe(true);
  });

  it('rejects duplicate source ids at the second one', () => {
    const source = (line: string) => [
      `  - id: ${line}`,
      '    title: T',
      '    kind: misp-feed',
      '    url: http://127.0.0.1:1/',
      '    intervalSeconds: 60',
    ];
    const issues = issuesOf(
      ['storage:', '  sqlite: x.sqlite', 'sources:', ...source('same'), ...source('same')].join(
        '\n',
      ),
    );
    expect(issues).toEqual([
      expect.objectContaining({ path: 'sources[1].id', line: 9, message: '`same` is used twice' }),
    ]);
  });

  it('reports YAML syntax errors with their line, and refuses a __proto__ key', () => {
    const syntax = issuesOf('storage:\n  sqlite: "unterminated\n');
    expect(syntax[0]?.line).toBeGreaterThan(0);
    const proto = issuesOf('storage:\n  sqlite: x.sqlite\n__proto__:\n  polluted: true\n');
    expect(proto[0]?.message).toMatch(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  // The literal text `${NAME}` of the config file (written so, not as a template placeholder).
  const ENV_REFERENCE = ['$', '{HUB_CONFIG_TEST_URL}'].join('');

  it('reads a PostgreSQL URL from the environment (urlEnv, or the variable named in url), never echoing it', () => {
    process.env.HUB_CONFIG_TEST_URL = 'postgres://hub:s3cret@db.internal/hub';
    try {
      for (const line of ['    urlEnv: HUB_CONFIG_TEST_URL', `    url: ${ENV_REFERENCE}`]) {
        const config = parseHubConfig(`storage:\n  postgres:\n${line}\n`, 'hub.yaml', '/srv');
        expect(config.storage).toEqual({
          postgres: { url: 'postgres://hub:s3cret@db.internal/hub' },
        });
      }
      process.env.HUB_CONFIG_TEST_URL = 'mysql://hub:s3cret@db.internal/hub';
      const wrong = issuesOf('storage:\n  postgres:\n    urlEnv: HUB_CONFIG_TEST_URL\n');
      expect(wrong).toEqual([
        expect.objectContaining({ path: 'storage.postgres.urlEnv', line: 3 }),
      ]);
      expect(wrong[0]!.message).toMatch(/not a PostgreSQL URL/);
      expect(wrong[0]!.message).not.toContain('s3cret');
    } finally {
      delete process.env.HUB_CONFIG_TEST_URL;
    }
    expect(issuesOf('storage:\n  postgres:\n    urlEnv: HUB_CONFIG_TEST_URL\n')).toEqual([
      {
        path: 'storage.postgres.urlEnv',
        line: 3,
        message: 'the environment variable `HUB_CONFIG_TEST_URL` is not set',
      },
    ]);
  });

  it('wants exactly one storage, and one way to give the PostgreSQL URL', () => {
    expect(
      issuesOf('storage:\n  sqlite: x.sqlite\n  postgres:\n    url: postgres://h/db\n'),
    ).toEqual([
      expect.objectContaining({
        path: 'storage',
        line: 2,
        message: expect.stringMatching(/exactly one of `sqlite`/),
      }),
    ]);
    expect(issuesOf('storage:\n  postgres:\n    url: postgres://h/db\n    urlEnv: X\n')).toEqual([
      expect.objectContaining({ path: 'storage.postgres', line: 3 }),
    ]);
    expect(issuesOf('storage:\n  postgres:\n    urlEnv: lower-case\n')[0]).toMatchObject({
      path: 'storage.postgres.urlEnv',
      line: 3,
    });
  });
});
