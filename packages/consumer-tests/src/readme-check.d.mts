/** The ATX headings of a Markdown text outside code blocks. */
export function headingsOf(text: string): { line: number; level: number; title: string }[];
/** Headings whose text appears more than once, with the lines they appear on. */
export function repeatedHeadings(text: string): { title: string; lines: number[] }[];
/** Type-checks every TS/JS code block of a Markdown file against the packages' source. */
export function checkCodeBlocks(
  file: string,
  text: string,
  workDir: string,
): { blocks: number; failures: { location: string; message: string }[] };
/** This package's folder for generated files. */
export const generatedDir: string;
