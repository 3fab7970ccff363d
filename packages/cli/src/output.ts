import type { Context } from './context';

/** Prints a value as one line of JSON. */
export async function printJson(ctx: Context, value: unknown): Promise<void> {
  await ctx.out(`${JSON.stringify(value)}\n`);
}

/** Lays out rows as aligned columns (the last column is not padded). */
export function columns(rows: readonly (readonly string[])[], gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, visibleLength(cell));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) =>
        index === row.length - 1
          ? cell
          : cell + ' '.repeat((widths[index] ?? 0) - visibleLength(cell) + gap),
      )
      .join(''),
  );
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes.
const ANSI = /\u001b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is neutralised.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Makes text from the input safe to print on a terminal: control characters (which could
 * move the cursor or rewrite the screen) are shown escaped. Feed content is hostile.
 */
export function safeText(text: string): string {
  return text.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
