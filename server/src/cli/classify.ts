import { parseArgs } from 'node:util';
import { fromCallerDir, runCli, UsageError } from './common.js';
import { Classifier, DEFAULT_TOP_K, type Classification } from '../model/classifier.js';

const USAGE = `usage: npm run -s classify -- [--json] [--top K] [--model <manifest.json>] <image...>

Classifies close-up photos with the poppy model. One line per image:
  text:   <file>\\t<POPPY|uncertain|not poppy>\\tpoppy=<score>\\t<label> <score>, ...
  --json: {"file", "poppy", "isPoppy", "top": [{"label", "score"}]}   (bad file: {"file", "error"})
Exit status: 0 when at least one image was classified, 1 when every image failed, 2 on wrong usage.`;

interface Options {
  json: boolean;
  topK: number;
  manifestPath?: string;
  files: string[];
}

function parseOptions(argv: string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        top: { type: 'string' },
        model: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const topK = values.top === undefined ? DEFAULT_TOP_K : Number(values.top);
  if (!Number.isInteger(topK) || topK < 1) throw new UsageError(`--top must be a positive integer, got "${values.top}"`);
  if (positionals.length === 0) throw new UsageError('no image given');
  return { json: values.json ?? false, topK, manifestPath: values.model && fromCallerDir(values.model), files: positionals };
}

function verdict(c: Classification, uncertainLow: number): string {
  if (c.isPoppy) return 'POPPY';
  return c.poppy >= uncertainLow ? 'uncertain' : 'not poppy';
}

function textLine(file: string, c: Classification, uncertainLow: number): string {
  const top = c.top.map((t) => `${t.label} ${t.score.toFixed(3)}`).join(', ');
  return `${file}\t${verdict(c, uncertainLow)}\tpoppy=${c.poppy.toFixed(3)}\t${top}`;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

async function run(opts: Exclude<ReturnType<typeof parseOptions>, 'help'>): Promise<number> {

  const classifier = await Classifier.load({ manifestPath: opts.manifestPath });
  const uncertainLow = classifier.manifest.thresholds.closeupUncertainLow;
  let failed = 0;
  // Chunks keep output flowing for long lists while the classifier batches within each chunk.
  const chunkSize = Math.max(classifier.batchSize, 16);
  for (let start = 0; start < opts.files.length; start += chunkSize) {
    const files = opts.files.slice(start, start + chunkSize);
    const settled = await classifier.classifyFilesSettled(files.map(fromCallerDir), { topK: opts.topK });
    const lines = settled.map((s, i) => {
      const file = files[i];
      if (!s.ok) {
        failed++;
        const message = s.error.message.replace(`cannot read image ${fromCallerDir(file)}: `, '');
        return opts.json ? JSON.stringify({ file, error: message }) : `${file}\terror: ${message}`;
      }
      const c = s.result;
      if (!opts.json) return textLine(file, c, uncertainLow);
      const top = c.top.map((t) => ({ label: t.label, score: round(t.score) }));
      return JSON.stringify({ file, poppy: round(c.poppy), isPoppy: c.isPoppy, top });
    });
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  await classifier.dispose();
  return failed === opts.files.length ? 1 : 0;
}

runCli('classify', USAGE, () => parseOptions(process.argv.slice(2)), run);
