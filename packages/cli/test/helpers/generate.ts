/**
 * Generates a STIX 2.1 bundle of about `megabytes` MB on the fly: indicators with
 * distinct ids and patterns, never held in memory as a whole. Optionally one object in
 * the middle is broken, to check that errors deep in a stream are found and located.
 */
export async function* generateBundle(
  megabytes: number,
  options: { brokenAt?: number } = {},
): AsyncGenerator<string> {
  const target = megabytes * 1024 * 1024;
  let written = 0;
  let index = 0;
  const head = '{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[\n';
  yield head;
  written += head.length;
  const filler = 'x'.repeat(400);
  while (written < target) {
    let chunk = '';
    for (let k = 0; k < 500; k += 1, index += 1) {
      const hex = index.toString(16).padStart(12, '0');
      const created =
        index === options.brokenAt ? '2024-13-45T99:00:00Z' : '2024-01-01T00:00:00.000Z';
      chunk += `${index === 0 ? '' : ',\n'}{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-${hex}","created":"${created}","modified":"2024-01-01T00:00:00.000Z","name":"Generated indicator ${index}","description":"${filler}","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`;
    }
    written += chunk.length;
    yield chunk;
  }
  yield '\n]}\n';
}

/** How many objects {@link generateBundle} writes for a size, computed the same way. */
export async function countGenerated(megabytes: number): Promise<number> {
  let count = 0;
  for await (const chunk of generateBundle(megabytes)) {
    count += chunk.split('"type":"indicator"').length - 1;
  }
  return count;
}
