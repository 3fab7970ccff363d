// Type-checks every ```ts / ```tsx block of every docs page against the packages'
// current source (tsconfig `customConditions: ["@intelshare/source"]`), so no example
// on the site can drift from the code. Run: `node scripts/check-snippets.mjs`.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { docsRoot, repoRoot } from './entry-points.mjs';

const TS_LANGS = new Set(['ts', 'typescript', 'tsx']);

/**
 * Finds every fenced code block of one Markdown/MDX text.
 * @param {string} text
 * @returns {{ line: number, lang: string, meta: string, code: string }[]} `line` is the
 *   1-based line of the block's first code line in the page.
 */
export function extractFences(text) {
  const lines = text.split(/\r?\n/);
  const fences = [];
  let open = null;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (open === null) {
      // CommonMark fences: 3+ backticks or tildes, up to 3 spaces (more inside lists).
      const fence = /^(\s*)(`{3,}|~{3,})\s*([^\s`{]*)(.*)$/.exec(line);
      if (fence) {
        open = {
          indent: fence[1]?.length ?? 0,
          marker: fence[2] ?? '```',
          lang: (fence[3] ?? '').toLowerCase(),
          meta: (fence[4] ?? '').trim(),
          start: i + 2,
          body: [],
        };
      }
      continue;
    }
    const close = new RegExp(
      `^\\s*${open.marker[0] === '`' ? '`' : '~'}{${open.marker.length},}\\s*$`,
    );
    if (close.test(line)) {
      fences.push({
        line: open.start,
        lang: open.lang,
        meta: open.meta,
        code: open.body.join('\n'),
      });
      open = null;
      continue;
    }
    // Drop the fence's own indentation (blocks nested in list items).
    open.body.push(line.slice(Math.min(open.indent, /^\s*/.exec(line)?.[0].length ?? 0)));
  }
  return fences;
}

/**
 * Finds the TypeScript code blocks of one Markdown/MDX text.
 * @param {string} text
 * @returns {{ line: number, lang: 'ts' | 'tsx', code: string }[]}
 */
export function extractSnippets(text) {
  return extractFences(text)
    .filter((fence) => TS_LANGS.has(fence.lang))
    .map((fence) => ({
      line: fence.line,
      lang: fence.lang === 'tsx' ? 'tsx' : 'ts',
      code: fence.code,
    }));
}

/**
 * Finds the runnable examples of a page: a ```ts block whose meta has the word `run`,
 * followed directly by a ```text block holding the output it must print (`…` in the
 * expected output stands for any text without spaces, such as a random id).
 * @param {string} text
 * @returns {{ line: number, code: string, expected: string, expectedLine: number }[]}
 */
export function extractRunnable(text) {
  const fences = extractFences(text);
  const runnable = [];
  for (let i = 0; i < fences.length; i += 1) {
    const fence = fences[i];
    if (!fence || !TS_LANGS.has(fence.lang) || !/(^|\s)run(\s|$)/.test(fence.meta)) continue;
    const output = fences[i + 1];
    if (output?.lang !== 'text') {
      throw new Error(
        `The \`run\` example at line ${fence.line} is not followed by a \`\`\`text output block.`,
      );
    }
    runnable.push({
      line: fence.line,
      code: fence.code,
      expected: output?.code ?? '',
      expectedLine: output?.line ?? 0,
    });
  }
  return runnable;
}

/** Whether actual output matches the expected text, `…` matching any non-space run. */
export function outputMatches(actual, expected) {
  const normalise = (value) =>
    value
      .split(/\r?\n/)
      .map((line) => line.trimEnd())
      .join('\n')
      .trim();
  const pattern = normalise(expected)
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\S*');
  return new RegExp(`^${pattern}$`).test(normalise(actual));
}

/** All `.md`/`.mdx` files under a directory, sorted. */
export function listPages(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listPages(full));
    else if (/\.mdx?$/.test(name)) out.push(full);
  }
  return out;
}

/**
 * Writes every snippet as its own module and type-checks them all in one program.
 * @param {{ pagesDir?: string, workDir?: string, pages?: { file: string, text: string }[] }} [options]
 * @returns {{ snippets: number, pages: number, failures: { location: string, message: string }[] }}
 */
export function checkSnippets(options = {}) {
  const pagesDir = options.pagesDir ?? join(docsRoot, 'src/content/docs');
  const workDir = options.workDir ?? join(docsRoot, '.generated/snippets');
  const pages =
    options.pages ??
    listPages(pagesDir).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });

  /** @type {Map<string, { page: string, line: number }>} */
  const origin = new Map();
  let count = 0;
  for (const page of pages) {
    const rel = relative(docsRoot, page.file);
    for (const snippet of extractSnippets(page.text)) {
      const name = `${rel.replace(/[^A-Za-z0-9]+/g, '_')}_L${snippet.line}.${snippet.lang}`;
      const file = join(workDir, name);
      // Every snippet is its own module (so top-level await works and names never clash);
      // the trailing `export {}` adds no lines before the code, keeping positions exact.
      writeFileSync(file, `${snippet.code}\nexport {};\n`);
      origin.set(resolve(file), { page: rel, line: snippet.line });
      count += 1;
    }
  }
  if (count === 0) return { snippets: 0, pages: pages.length, failures: [] };

  const base = join(repoRoot, 'tsconfig.base.json');
  const config = ts.parseJsonConfigFileContent(
    {
      extends: base,
      compilerOptions: { noEmit: true, jsx: 'preserve', types: ['node'] },
      include: ['*.ts', '*.tsx'],
    },
    ts.sys,
    workDir,
  );
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const failures = [];
  // Only the snippets' own diagnostics: an error inside a package is that package's
  // typecheck's business, not a docs failure.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...config.fileNames.flatMap((name) => {
      const sourceFile = program.getSourceFile(name);
      return sourceFile
        ? [
            ...program.getSyntacticDiagnostics(sourceFile),
            ...program.getSemanticDiagnostics(sourceFile),
          ]
        : [];
    }),
  ];
  for (const diagnostic of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const file = diagnostic.file ? resolve(diagnostic.file.fileName) : undefined;
    const where = file ? origin.get(file) : undefined;
    if (diagnostic.file && diagnostic.start !== undefined && where) {
      const pos = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      failures.push({
        location: `${where.page}:${where.line + pos.line}:${pos.character + 1}`,
        message: `TS${diagnostic.code}: ${message}`,
      });
    } else {
      // Errors inside the packages themselves, or global config errors.
      const at =
        diagnostic.file && diagnostic.start !== undefined
          ? `${relative(repoRoot, diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1}`
          : 'tsconfig';
      failures.push({ location: at, message: `TS${diagnostic.code}: ${message}` });
    }
  }
  return { snippets: count, pages: pages.length, failures };
}

/**
 * Runs every runnable example (see {@link extractRunnable}) with tsx on the packages'
 * source and compares what it prints with the page's expected output.
 * @param {{ pagesDir?: string, workDir?: string, pages?: { file: string, text: string }[] }} [options]
 * @returns {Promise<{ examples: number, failures: { location: string, message: string }[] }>}
 */
export async function runExamples(options = {}) {
  const pagesDir = options.pagesDir ?? join(docsRoot, 'src/content/docs');
  const workDir = options.workDir ?? join(docsRoot, '.generated/run');
  const pages =
    options.pages ??
    listPages(pagesDir).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const jobs = [];
  for (const page of pages) {
    const rel = relative(docsRoot, page.file);
    for (const example of extractRunnable(page.text)) {
      const file = join(workDir, `${rel.replace(/[^A-Za-z0-9]+/g, '_')}_L${example.line}.ts`);
      writeFileSync(file, `${example.code}\nexport {};\n`);
      jobs.push({ rel, file, example });
    }
  }
  const failures = [];
  const runOne = async (job) => {
    const { stdout, error } = await new Promise((done) => {
      execFile(
        process.execPath,
        ['--conditions=@intelshare/source', '--import', 'tsx', job.file],
        {
          cwd: docsRoot,
          timeout: 60_000,
          maxBuffer: 4 * 1024 * 1024,
          env: { ...process.env, NO_COLOR: '1' },
        },
        (err, out, errOut) =>
          done({ stdout: out, error: err ? `${err.message}\n${errOut}` : undefined }),
      );
    });
    const location = `${job.rel}:${job.example.line}`;
    if (error) failures.push({ location, message: `the example failed: ${error.trim()}` });
    else if (!outputMatches(stdout, job.example.expected)) {
      failures.push({
        location,
        message: `printed\n${stdout.trim()}\nbut ${job.rel}:${job.example.expectedLine} expects\n${job.example.expected.trim()}`,
      });
    }
  };
  // Two at a time: each is a separate Node process, and CI machines have two cores.
  const queue = [...jobs];
  await Promise.all(
    [0, 1].map(async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await runOne(job);
    }),
  );
  failures.sort((a, b) => a.location.localeCompare(b.location));
  return { examples: jobs.length, failures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = checkSnippets();
  for (const failure of result.failures) console.error(`${failure.location}  ${failure.message}`);
  console.log(
    `${result.snippets} TypeScript snippets in ${result.pages} pages: ${result.failures.length} error(s).`,
  );
  const run = await runExamples();
  for (const failure of run.failures) console.error(`${failure.location}  ${failure.message}`);
  console.log(`${run.examples} runnable examples: ${run.failures.length} failure(s).`);
  process.exitCode = result.failures.length + run.failures.length === 0 ? 0 : 1;
}
