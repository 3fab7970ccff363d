import { readJsonFixture } from '@intelshare/fixtures';
import { describe, expect, it } from 'vitest';
import {
  type MispSharingGroup,
  mispTagsToMarkings,
  PAP_MARKING_IDS,
  projectMispEvent,
  TLP2_MARKING_IDS,
} from '../src/index';
import { resolveMarking } from '../src/markings/resolve-marking';
import { agreement, NOW } from './helpers';

type Taxonomy = { namespace: string; predicates: { value: string }[] };
const CIRCL = 'identity--55f6ea5e-2c60-40e5-964f-47a8950d210f';
const PIFPAF = 'identity--56bf12a7-c19c-4b98-83e7-d9bb02de0b81';
const STRANGER = 'identity--11111111-2222-4333-8444-555555555555';

describe('MISP taxonomies map onto the marking model', () => {
  it('every `tlp` taxonomy predicate is either an official TLP 2.0 marking or fails closed', () => {
    const tlp = readJsonFixture<Taxonomy>('misp/taxonomies/tlp/machinetag.json');
    const mapped: Record<string, string | undefined> = {};
    for (const { value } of tlp.predicates) {
      const result = mispTagsToMarkings([`${tlp.namespace}:${value}`]);
      mapped[value] = result.markingRefs[0];
      if (!result.markingRefs[0]) expect(result.unreadable).toEqual([`tlp:${value}`]);
    }
    expect(mapped).toEqual({
      red: TLP2_MARKING_IDS['TLP:RED'],
      amber: TLP2_MARKING_IDS['TLP:AMBER'],
      'amber+strict': TLP2_MARKING_IDS['TLP:AMBER+STRICT'],
      green: TLP2_MARKING_IDS['TLP:GREEN'],
      white: TLP2_MARKING_IDS['TLP:CLEAR'],
      clear: TLP2_MARKING_IDS['TLP:CLEAR'],
      'ex:chr': undefined,
      unclear: undefined,
    });
  });

  it('every `PAP` taxonomy predicate is an official PAP marking', () => {
    const pap = readJsonFixture<Taxonomy>('misp/taxonomies/PAP/machinetag.json');
    for (const { value } of pap.predicates) {
      const [ref] = mispTagsToMarkings([`${pap.namespace}:${value}`]).markingRefs;
      expect(ref).toBe(PAP_MARKING_IDS[`PAP:${value}` as keyof typeof PAP_MARKING_IDS]);
    }
  });

  it('iep2-policy tags become an IEP 2.0 marking definition; incomplete ones fail closed', () => {
    const iep = readJsonFixture<
      Taxonomy & { values: { predicate: string; entry: { value: string }[] }[] }
    >('misp/taxonomies/iep2-policy/machinetag.json');
    const first = (predicate: string) =>
      iep.values.find((v) => v.predicate === predicate)!.entry.at(-1)!.value;
    const tags = [
      'encrypt_in_transit',
      'permitted_actions',
      'affected_party_notifications',
      'tlp',
      'attribution',
      'unmodified_resale',
    ].map((predicate) => `iep2-policy:${predicate}="${first(predicate)}"`);
    const result = mispTagsToMarkings(tags);
    expect(result.unreadable).toEqual([]);
    const definitions = new Map(result.definitions.map((d) => [d.id, d]));
    expect(resolveMarking(result.markingRefs[0], definitions, new Map())).toMatchObject({
      kind: 'iep',
      level: 'clear',
    });
    expect(mispTagsToMarkings(tags.slice(0, 3)).unreadable).toHaveLength(3);
  });
});

describe('projectMispEvent', () => {
  const groups = readJsonFixture<MispSharingGroup[]>('misp/pymisp-tests/sharing_groups.json');
  const a = agreement({
    parties: [
      { identity: CIRCL, name: 'CIRCL', role: 'provider' },
      { identity: PIFPAF, name: 'PifPafPoum', role: 'recipient' },
    ],
    recipients: [
      { match: { identities: [PIFPAF] }, maxTlp: 'amber' },
      { match: { anyone: true }, maxTlp: 'clear' },
    ],
  });
  const event = (
    distribution: string,
    attributes: Record<string, unknown>[],
    tags = ['tlp:green'],
  ) => ({
    Event: {
      uuid: '5a3c2fda-78f4-44b7-8366-46da02de0b81',
      distribution,
      sharing_group_id: distribution === '4' ? '1' : '0',
      timestamp: '1767225600',
      Orgc: { uuid: CIRCL.slice(10), name: 'CIRCL' },
      Tag: tags.map((name) => ({ name })),
      Attribute: attributes,
    },
  });
  const attribute = (uuid: string, props: Record<string, unknown> = {}) => ({
    uuid,
    type: 'ip-dst',
    value: '198.51.100.7',
    distribution: '5',
    to_ids: true,
    timestamp: '1767225600',
    ...props,
  });

  it('uses the real pymisp sharing groups: members receive, others do not', () => {
    const input = event('4', [attribute('00000000-0000-4000-8000-000000000001')]);
    const member = projectMispEvent(
      input,
      a,
      { identity: PIFPAF },
      { now: NOW, sharingGroups: groups },
    );
    expect(member.decisions.map((d) => d.action)).toEqual(['share', 'share']);
    const stranger = projectMispEvent(
      input,
      a,
      { identity: STRANGER },
      { now: NOW, sharingGroups: groups },
    );
    expect(stranger.event).toBeUndefined();
    expect(stranger.decisions[0]?.action).toBe('withhold');
    const unknownGroup = projectMispEvent(input, a, { identity: PIFPAF }, { now: NOW });
    expect(unknownGroup.decisions[0]?.reasons.at(-1)?.message).toContain('unknown');
  });

  it('applies distribution levels 0–5 and attribute tags', () => {
    const input = event('3', [
      attribute('00000000-0000-4000-8000-000000000001'),
      attribute('00000000-0000-4000-8000-000000000002', { distribution: '0' }),
      attribute('00000000-0000-4000-8000-000000000003', { distribution: '1' }),
      attribute('00000000-0000-4000-8000-000000000004', { Tag: [{ name: 'tlp:red' }] }),
      attribute('00000000-0000-4000-8000-000000000005', { Tag: [{ name: 'tlp:unclear' }] }),
      attribute('00000000-0000-4000-8000-000000000006', { distribution: '9' }),
    ]);
    const result = projectMispEvent(
      input,
      a,
      { identity: PIFPAF, communities: ['circl-users'] },
      { now: NOW, community: 'circl-users' },
    );
    expect(result.decisions.map((d) => d.action)).toEqual([
      'share',
      'share',
      'withhold',
      'share',
      'withhold',
      'withhold',
      'withhold',
    ]);
    expect(result.event?.Event.Attribute).toHaveLength(2);
  });

  it('evaluates the real pymisp event fixture (tlp:white, distribution 3)', () => {
    const existing = readJsonFixture('misp/pymisp-tests/mispevent_testfiles/existing_event.json');
    const result = projectMispEvent(existing, a, { identity: STRANGER }, { now: NOW });
    expect(result.decisions[0]?.action).toBe('share');
    const total = result.decisions.length - 1;
    expect(total).toBe(9 + 113);
    expect(result.decisions.every((d) => d.action !== 'share-redacted')).toBe(true);
  });
});
