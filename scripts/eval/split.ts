import fs from 'node:fs';

export interface SplitRow {
  /** path relative to the shared data dir */
  file: string;
  sha256: string;
  label: string;
  split: string;
}

/** Reads <model>.split.tsv (file, sha256, label, split) written by scripts/train/prepare.ts. */
export function readSplit(tsvPath: string): SplitRow[] {
  const [header, ...lines] = fs.readFileSync(tsvPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const cols = header.split('\t');
  const idx = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`${tsvPath}: no "${name}" column in header "${header}"`);
    return i;
  };
  const [f, s, l, sp] = [idx('file'), idx('sha256'), idx('label'), idx('split')];
  return lines.map((line, n) => {
    const c = line.split('\t');
    if (c.length < cols.length) throw new Error(`${tsvPath}:${n + 2}: expected ${cols.length} columns, got ${c.length}`);
    return { file: c[f], sha256: c[s], label: c[l], split: c[sp] };
  });
}
