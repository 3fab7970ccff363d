import { readFixture, readJsonFixture } from '@intelshare/fixtures';
import { validateStixObject } from '@intelshare/stix';
import { describe, expect, it } from 'vitest';
import {
  feodoTrackerMapping,
  mispToStix,
  openPhishMapping,
  parseFeed,
  type StixObject,
  spamhausDropMapping,
  urlhausMapping,
} from '../src/index';

function errors(objects: readonly StixObject[]) {
  return objects.flatMap((object) =>
    validateStixObject(object, { allowCustom: true })
      .filter((issue) => issue.severity === 'error')
      .map((issue) => `${object.id}${issue.path}: ${issue.message}`),
  );
}

describe('what the converters produce is valid STIX 2.1 (checked by @intelshare/stix)', () => {
  it('plain feeds', () => {
    const objects = [
      ...parseFeed(readFixture('feeds/abusech/feodotracker-ipblocklist.csv'), feodoTrackerMapping)
        .objects,
      ...parseFeed(readFixture('feeds/abusech/urlhaus-csv_online.head40.csv'), urlhausMapping)
        .objects,
      ...parseFeed(readFixture('feeds/intelmq-tests/spamhaus/drop.txt'), spamhausDropMapping)
        .objects,
      ...parseFeed(readFixture('feeds/intelmq-tests/openphish/feed.txt'), openPhishMapping).objects,
    ];
    expect(errors(objects)).toEqual([]);
  });

  it('MISP events', () => {
    for (const file of [
      'misp/feed-circl-osint-sample/5721c2e4-05ec-4af3-9264-411b950d210f.json',
      'misp/pymisp-tests/mispevent_testfiles/existing_event.json',
      'misp/pymisp-tests/reportlab_testfiles/mainly_objects_1.json',
      'misp/pymisp-tests/reportlab_testfiles/sighting_1.json',
    ]) {
      expect(errors(mispToStix(readJsonFixture(file)).objects)).toEqual([]);
    }
  });
});
