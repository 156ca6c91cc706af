/** Spreadsheets run cells that start with these as formulas; a leading apostrophe keeps them text. */
export function csvSafe(v: string | null): string {
  if (v == null) return '';
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}
