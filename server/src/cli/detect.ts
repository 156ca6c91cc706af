import { parseArgs } from 'node:util';
import { fromCallerDir, runCli, UsageError } from './common.js';
import { AerialModel } from '../model/aerialModel.js';
import type { FlightOverrides } from '../pipeline/camera.js';
import { detectFrame, type FrameResult } from '../pipeline/detectFrame.js';
import { modelVersionOf } from '../domain/modelVersion.js';

const USAGE = `usage: npm run -s detect -- [--json] [--altitude M] [--ground-elevation M] [--sensor-width MM] [--model <manifest.json>] <frame...>

Finds flowering poppy plots in drone frames with the aerial model (the same detectFrame the server runs). One line
per frame:
  text:   <file>\\t<N plots>\\t<lat>,<lon> score=<s> ~<heads> heads <area> m² ...
  --json: {"file", "gsdCmPerPx", "located", "detections": [{"lat", "lon", "errorRadiusM", "score", "areaM2",
           "estimatedHeads"}], "ms"}   (bad file: {"file", "error"})
--altitude, --ground-elevation, --sensor-width: what a flight would give when the frames lack it.
Heads are estimated from visible flowers: count on site. Exit status: 0 when at least one frame was read, 1 when
every frame failed, 2 on wrong usage.`;

function positiveNumber(name: string, v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got "${v}"`);
  return n;
}

function parseOptions(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        altitude: { type: 'string' },
        'ground-elevation': { type: 'string' },
        'sensor-width': { type: 'string' },
        model: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help' as const;
  if (positionals.length === 0) throw new UsageError('no frame given');
  const ground = values['ground-elevation'] === undefined ? null : Number(values['ground-elevation']);
  if (ground !== null && !Number.isFinite(ground)) throw new UsageError(`--ground-elevation must be a number, got "${values['ground-elevation']}"`);
  const overrides: FlightOverrides = {
    altitudeAglM: positiveNumber('altitude', values.altitude),
    groundElevationM: ground,
    sensorWidthMm: positiveNumber('sensor-width', values['sensor-width']),
  };
  return { json: values.json ?? false, overrides, manifestPath: values.model && fromCallerDir(values.model), files: positionals };
}

const round = (x: number | null, d = 7) => (x === null ? null : Number(x.toFixed(d)));

function jsonLine(file: string, r: FrameResult): string {
  return JSON.stringify({
    file,
    gsdCmPerPx: round(r.camera.scanGsdCmPerPx, 3),
    located: r.camera.position !== null,
    precise: r.camera.precise,
    fallbackReason: r.camera.fallbackReason,
    detections: r.detections.map((d) => ({
      lat: round(d.lat),
      lon: round(d.lon),
      errorRadiusM: round(d.errorRadiusM, 2),
      score: round(d.score, 4),
      areaM2: d.areaM2,
      estimatedHeads: d.estimatedHeads,
    })),
    model: modelVersionOf(r.model),
    ms: Math.round(r.stats.totalMs),
  });
}

function textLine(file: string, r: FrameResult): string {
  const plots = r.detections.map((d) => {
    const where = d.lat === null ? 'unlocated' : `${d.lat.toFixed(7)},${d.lon!.toFixed(7)} ±${d.errorRadiusM!.toFixed(1)} m`;
    return `${where} score=${d.score.toFixed(3)} ~${d.estimatedHeads} heads ${d.areaM2} m²`;
  });
  const note = r.camera.fallbackReason ? `\t(${r.camera.fallbackReason})` : '';
  return `${file}\t${r.detections.length} plot${r.detections.length === 1 ? '' : 's'}${plots.length ? `\t${plots.join('\t')}` : ''}${note}`;
}

async function run(opts: Exclude<ReturnType<typeof parseOptions>, 'help'>): Promise<number> {
  const model = await AerialModel.load({ manifestPath: opts.manifestPath });
  let failed = 0;
  for (const file of opts.files) {
    try {
      const r = await detectFrame(fromCallerDir(file), opts.overrides, model);
      process.stdout.write(`${opts.json ? jsonLine(file, r) : textLine(file, r)}\n`);
    } catch (err) {
      failed++;
      const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      process.stdout.write(`${opts.json ? JSON.stringify({ file, error: message }) : `${file}\terror: ${message}`}\n`);
    }
  }
  return failed === opts.files.length ? 1 : 0;
}

runCli('detect', USAGE, () => parseOptions(process.argv.slice(2)), run);
