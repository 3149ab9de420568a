import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { estimate, parseLinkSpec, parseSize } from '../hardware/estimate';
import { UsageError } from './errors';
import { out, print } from './io';

export const ESTIMATE_HELP = `Usage: egpu-wizard estimate (--model-size SIZE | --model FILE) [--link xW@GTS] [--json]

Estimates how long a model takes to load into the Tesla P4 over the PCIe link, and the fastest generation
speed its 192 GB/s memory allows (tokens/s ≤ bandwidth ÷ model size).
--model-size  e.g. 6GiB, 4.7GB, 4096MiB      --model  a model file (its size is used)
--link        the negotiated link, e.g. x1@5.0 (the X220's ExpressCard slot, the default) or x1@2.5
--json        the figures as JSON`;

const bar = (fraction: number, width = 30): string => {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
};

export async function estimateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      'model-size': { type: 'string' },
      model: { type: 'string' },
      link: { type: 'string', default: 'x1@5.0' },
      json: { type: 'boolean' },
    },
  });
  if (values.help) return print(ESTIMATE_HELP);
  const link = parseLinkSpec(values.link);
  if (!link) throw new UsageError(`--link must look like x1@5.0 (lanes @ GT/s), not "${values.link}"`);
  let modelBytes: number | null = null;
  if (values.model !== undefined) {
    try {
      modelBytes = (await stat(values.model)).size;
    } catch (error) {
      throw new UsageError(`cannot read the model file ${values.model}: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else if (values['model-size'] !== undefined) {
    modelBytes = parseSize(values['model-size']);
    if (modelBytes === null) throw new UsageError(`--model-size must be a size like 6GiB or 4.7GB, not "${values['model-size']}"`);
  } else {
    throw new UsageError('give --model-size SIZE or --model FILE');
  }
  if (modelBytes === 0) throw new UsageError('the model file is empty');
  const e = estimate(modelBytes, link);
  if (values.json) {
    out(`${JSON.stringify(e, null, 2)}\n`);
    return 0;
  }
  const gb = (bytes: number) => (bytes / 1e9).toFixed(2);
  const fullGen2 = estimate(modelBytes, { width: 1, gts: 5 });
  const slowest = Math.max(e.loadSeconds.practicalHigh, fullGen2.loadSeconds.practicalHigh);
  out(
    [
      `Model: ${gb(modelBytes)} GB   Link: x${link.width} at ${link.gts.toFixed(1)} GT/s = ${Math.round(e.link.bytesPerSecond / 1e6)} MB/s each way`,
      '',
      `Load time   ${e.loadSeconds.theoretical.toFixed(1)} s at the link's full rate, ${e.loadSeconds.practicalLow.toFixed(1)}–${e.loadSeconds.practicalHigh.toFixed(1)} s in practice`,
      `  this link    ${bar(e.loadSeconds.practicalHigh / slowest)} ${e.loadSeconds.practicalHigh.toFixed(1)} s`,
      `  x1 @ 5.0     ${bar(fullGen2.loadSeconds.practicalHigh / slowest)} ${fullGen2.loadSeconds.practicalHigh.toFixed(1)} s`,
      '',
      `Generation  at most ${e.generationCeilingTokensPerSecond.toFixed(1)} tokens/s (${Math.round(e.memoryBytesPerSecond / 1e9)} GB/s ÷ ${gb(modelBytes)} GB per token);`,
      '            the link does not limit generation once the model is loaded.',
      '',
    ].join('\n'),
  );
  return 0;
}
