import { parseFeed, parseFeedStream } from '@intelshare/feeds';
import fc from 'fast-check';
import { type FeedInput, feedFamilies, MAPPINGS } from '../feed-inputs';
import { chunking, splitChunks } from '../mutate';
import { defineTarget, literal, utf8Length } from '../target';

interface Input extends FeedInput {
  chunks: { kind: 'single' | 'ones' | 'random' | 'fixed'; size: number };
  bytes: boolean;
}

const NOW = new Date('2026-01-01T00:00:00Z');
const encoder = new TextEncoder();
const chunkCount = (input: Input) => splitChunks(input.text, input.chunks).length;

/**
 * `parseFeedStream` gives the same objects as `parseFeed` whatever the chunking (its TSDoc),
 * never throws with a valid mapping, and stays linear in the input.
 */
export const parseFeedStreamTarget = defineTarget<Input>({
  name: 'parseFeedStream',
  owner: '@intelshare/feeds',
  families: (seeds) =>
    Object.fromEntries(
      Object.entries(feedFamilies(seeds)).map(([name, inputs]) => [
        name,
        fc
          .tuple(inputs, chunking, fc.boolean())
          .map(([input, chunks, bytes]) => ({ ...input, chunks, bytes })),
      ]),
    ),
  async run(input, probe) {
    const mapping = MAPPINGS[input.mapping]!;
    const source = input.bytes
      ? splitChunks(encoder.encode(input.text), input.chunks)
      : splitChunks(input.text, input.chunks);
    const ids: string[] = [];
    probe.step('parseFeedStream', 'never');
    for await (const batch of parseFeedStream(source, mapping, { now: NOW })) {
      for (const object of batch.objects) ids.push(object.id);
    }
    probe.step('parseFeed (reference)', 'never', false);
    // Byte chunks decode lone surrogates to U+FFFD, so compare against the same decoded text.
    const text = input.bytes ? new TextDecoder().decode(encoder.encode(input.text)) : input.text;
    const whole = parseFeed(text, mapping, { now: NOW }).objects.map((o) => o.id);
    if (JSON.stringify(ids) !== JSON.stringify(whole)) {
      probe.violation(`streamed ${ids.length} object(s) where parseFeed gives ${whole.length}`);
    }
  },
  // One await per chunk is a fixed cost, not a rescan: allow 5 µs per chunk on top.
  extraBudgetMs: (input) => 0.005 * chunkCount(input),
  size: (input) => utf8Length(input.text),
  reproduce: (input) =>
    `parseFeedStream(${input.bytes ? 'utf8Chunks' : 'chunks'}(${input.recipe ?? literal(input.text)}, ${JSON.stringify(input.chunks)}), ${input.mapping}Mapping)`,
});
