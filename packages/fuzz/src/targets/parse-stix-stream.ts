import { parseStix, parseStixStream, type StixIssue } from '@intelshare/stix';
import fc from 'fast-check';
import { chunking, mutatedBytes, splitChunks } from '../mutate';
import { findForbiddenKey, leaksFunctionSource, stixTextFamilies } from '../stix-inputs';
import { defineTarget, literal } from '../target';

interface Input {
  bytes: Uint8Array;
  chunks: { kind: 'single' | 'ones' | 'random' | 'fixed'; size: number };
  mode: 'strict' | 'lenient';
  recipe?: string;
}

const encoder = new TextEncoder();

const chunkCount = (input: Input) => splitChunks(input.bytes, input.chunks).length;

async function* chunksOf(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

/**
 * `parseStixStream` reports bad input as issues (never throws) and, per issue 19, gives the
 * same objects as `parseStix` for the same bytes, and an issue whenever `parseStix` has an error.
 */
export const parseStixStreamTarget = defineTarget<Input>({
  name: 'parseStixStream',
  owner: '@intelshare/stix',
  families: (seeds) => {
    const withChunks = (bytes: fc.Arbitrary<{ bytes: Uint8Array; recipe?: string }>) =>
      fc
        .tuple(bytes, chunking, fc.constantFrom('strict' as const, 'lenient' as const))
        .map(([input, chunks, mode]) => ({ ...input, chunks, mode }));
    const families: Record<string, fc.Arbitrary<Input>> = {
      'byte-mutation': withChunks(mutatedBytes(seeds.stixBundles).map((bytes) => ({ bytes }))),
    };
    for (const [name, texts] of Object.entries(stixTextFamilies(seeds))) {
      families[name] = withChunks(
        texts.map(({ text, recipe }) => ({
          bytes: encoder.encode(text),
          ...(recipe === undefined ? {} : { recipe }),
        })),
      );
    }
    return families;
  },
  async run(input, probe) {
    const options = { mode: input.mode } as const;
    const streamed: unknown[] = [];
    const streamIssues: StixIssue[] = [];
    probe.step('parseStixStream', 'never');
    for await (const element of parseStixStream(
      chunksOf(splitChunks(input.bytes, input.chunks)),
      options,
    )) {
      if (element.object !== undefined) streamed.push(element.object);
      streamIssues.push(...element.issues);
    }
    const forbidden = findForbiddenKey(streamed, 'objects');
    if (forbidden) probe.violation(`kept a forbidden key at ${forbidden}`);
    if (leaksFunctionSource(streamed)) {
      probe.violation('an object carries the source text of a built-in function');
    }
    probe.step('parseStix (reference)', 'never', false);
    const whole = parseStix(input.bytes, options);
    if (whole.source === 'object') return; // not a bundle or array: nothing to stream
    if (JSON.stringify(whole.objects) !== JSON.stringify(streamed)) {
      probe.violation(
        `gave ${streamed.length} object(s) where parseStix gives ${whole.objects.length} for the same bytes`,
      );
    } else if (!whole.valid && streamIssues.length === 0) {
      const first = whole.issues.find((issue) => issue.severity === 'error');
      probe.violation(
        `reported nothing where parseStix reports ${first?.code ?? 'an error'} at \`${first?.path ?? ''}\``,
      );
    }
  },
  // One await per chunk is a fixed cost, not a rescan: allow 5 µs per chunk on top.
  extraBudgetMs: (input) => 0.005 * chunkCount(input),
  size: (input) => input.bytes.byteLength,
  reproduce: (input) => {
    const text = new TextDecoder().decode(input.bytes);
    return `parseStixStream(chunks(${input.recipe ?? literal(text)}, ${JSON.stringify(input.chunks)}), { mode: '${input.mode}' })`;
  },
});
