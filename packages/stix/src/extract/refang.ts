// Each alternation is a fixed string, so these scans are linear (no nested quantifiers).
const DOT = /\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\s\[dot\]\s|\s\(dot\)\s/gi;
const AT = /\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\}|\s\[at\]\s|\s\(at\)\s/gi;
const SCHEME = /\b(?:h(?:xx|XX|xX|Xx)p(s?)|(fxp))(\[:\/\/\]|\[:\]\/\/|:\/\/)/gi;
const COLON = /\[:\]|\[:\/\/\]/g;

/**
 * Undoes common defanging in threat reports so indicators can be extracted: `hxxp` →
 * `http`, `[.]`/`(.)`/`[dot]` → `.`, `[@]`/`[at]` → `@`, `[:]` → `:`, `[://]` → `://`.
 *
 * @param text - Defanged text.
 * @returns The text with those forms replaced.
 *
 * @example
 * ```ts
 * import { refang } from '@intelshare/stix/extract';
 *
 * refang('hxxps://evil[.]example[.]com/x'); // 'https://evil.example.com/x'
 * ```
 * @see https://intelshare.dev/patterns/extraction/
 */
export function refang(text: string): string {
  return text
    .replace(SCHEME, (_m, s: string | undefined, ftp: string | undefined) =>
      ftp ? 'ftp://' : `http${s ?? ''}://`,
    )
    .replace(COLON, (m) => (m.length > 3 ? '://' : ':'))
    .replace(DOT, '.')
    .replace(AT, '@');
}

/**
 * Makes one indicator value safe to display (not clickable, not auto-linked):
 * `http` → `hxxp`, dots of the host → `[.]`, `@` → `[@]`.
 *
 * @param value - A URL, domain, IP address or e-mail address.
 * @returns The defanged value; `refang(defang(v))` gives `v` back.
 *
 * @example
 * ```ts
 * import { defang } from '@intelshare/stix/extract';
 *
 * defang('https://evil.example.com/a.php'); // 'hxxps[://]evil[.]example[.]com/a.php'
 * defang('bob@evil.example.com'); // 'bob[@]evil[.]example[.]com'
 * ```
 * @see https://intelshare.dev/patterns/extraction/
 */
export function defang(value: string): string {
  const scheme = /^(https?|ftp):\/\//i.exec(value);
  if (scheme) {
    const rest = value.slice(scheme[0].length);
    const end = rest.search(/[/?#]/);
    const host = end < 0 ? rest : rest.slice(0, end);
    const tail = end < 0 ? '' : rest.slice(end);
    const name = scheme[1]!.toLowerCase() === 'ftp' ? 'fxp' : scheme[1]!.replace(/tt/i, 'xx');
    return `${name}[://]${host.replaceAll('.', '[.]').replaceAll('@', '[@]')}${tail}`;
  }
  return value.replaceAll('.', '[.]').replaceAll('@', '[@]');
}
