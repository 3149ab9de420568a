import { msg } from '../../contract/messages';
import { ccText, cpuOnly, cudaCompute, tookBy } from '../../bench/ollama-log';
import type { Context } from '../context';
import { fix } from '../fixes';
import type { Finding } from '../types';
import { baseFinding } from './finding';

/**
 * ollama's serve log, as of its last start: a card its CUDA runners skipped (built for other compute
 * capabilities: the Pascal pitfall of recent releases), and a start that found only the processor.
 */

/** The fixes for a skipped card, in order: a release that still ships cuda_v12, a build for 6.1, Vulkan. */
const archFixes = () => [fix('ollama-release', false), fix('ollama-build', false), fix('ollama-vulkan', true)];

function archFindings(context: Context): Finding[] {
  const log = context.parsed.ollamaLog;
  // A CUDA library that took a card after all means the skip was of another card, or of a runner folder tried first.
  if (log === undefined || cudaCompute(log).length > 0) return [];
  return log.skipped.map((skip) => {
    const other = tookBy(log, skip.device);
    const params = { device: skip.device, cc: ccText(skip.cc), archs: skip.archs.map(ccText).join(', '), libdirs: skip.libDirs.join(', '), library: other?.library ?? '' };
    const finding = baseFinding(
      'ollama-arch-unsupported',
      // The card still works through another GPU library (Vulkan), only slower; otherwise it does nothing.
      other === undefined ? 'error' : 'warn',
      msg(other === undefined ? 'diagnosis.ollama-arch-unsupported.explanation' : 'diagnosis.ollama-arch-unsupported.vulkan', params),
      context.lines.at('ollama-log', [skip.line, ...(other ? [other.line] : [])]),
    );
    finding.device = { name: null, selector: null, description: skip.device };
    finding.fixes = archFixes();
    return finding;
  });
}

function cpuFindings(context: Context): Finding[] {
  const log = context.parsed.ollamaLog;
  if (log === undefined || !cpuOnly(log)) return [];
  const finding = baseFinding('cuda-cpu-fallback', 'warn', msg('diagnosis.cuda-cpu-fallback.ollama'), [
    ...context.lines.at('ollama-log', [...log.skipped.map((s) => s.line), ...log.compute.map((c) => c.line)]),
  ]);
  finding.title = msg('diagnosis.cuda-cpu-fallback.ollama.title');
  finding.fixes = log.skipped.length > 0 ? archFixes() : [fix('ollama-gpu-visible', false), fix('jail-devices', false)];
  return [finding];
}

export const ollamaFindings = (context: Context): Finding[] => [...archFindings(context), ...cpuFindings(context)];
