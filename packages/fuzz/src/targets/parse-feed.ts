import { parseFeed } from '@intelshare/feeds';
import { type FeedInput, feedFamilies, MAPPINGS } from '../feed-inputs';
import { defineTarget, literal, utf8Length } from '../target';

const NOW = new Date('2026-01-01T00:00:00Z');

/** `parseFeed` skips bad rows with a line number; with a valid mapping it never throws. */
export const parseFeedTarget = defineTarget<FeedInput>({
  name: 'parseFeed',
  owner: '@intelshare/feeds',
  families: feedFamilies,
  run(input, probe) {
    probe.step('parseFeed', 'never');
    parseFeed(input.text, MAPPINGS[input.mapping]!, { now: NOW });
  },
  size: (input) => utf8Length(input.text),
  reproduce: (input) =>
    `parseFeed(${input.recipe ?? literal(input.text)}, ${input.mapping}Mapping)`,
});
