import { msg } from '../../contract/messages';
import { evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type Verdict } from '../../wizard/step';

/**
 * The no-jail way, checked beside the jail and never required (like libc6-shim): FreeBSD's own packages of
 * ollama and llama.cpp run natively and reach the card through Vulkan on the NVIDIA driver, not CUDA. The
 * check is skipped while neither package is installed, saying what the repository offers; once one is, it
 * looks for the card among vulkaninfo's devices.
 */
const NATIVE = ['ollama', 'llama-cpp'] as const;

export const nativeCheck = defineCheck({
  id: 'native',
  title: 'ollama.check.native',
  readOnly: true,
  commands: { offered: invoke('pkgRqueryRuntimes', {}), installed: invoke('pkgQuery', {}), vulkan: invoke('vulkaninfoSummary', {}) },
  evaluate: ({ offered, installed, vulkan }): Verdict => {
    const tradeoffs = msg('ollama.native.advice');
    const have = installed.parsed.ok ? installed.parsed.value.packages.filter((p) => (NATIVE as readonly string[]).includes(p.name)) : [];
    if (have.length === 0) {
      const offers = offered.parsed.ok ? offered.parsed.value.packages.filter((p) => (NATIVE as readonly string[]).includes(p.name)) : [];
      const list = offers.map((p) => `${p.name} ${p.version}`).join(', ');
      return {
        status: 'skip',
        reason: offers.length > 0 ? msg('ollama.native.offered', { packages: list }) : msg('ollama.native.none'),
        advice: offers.length > 0 ? [tradeoffs] : [],
        evidence: offers.length > 0 ? [evidenceOf(offered)] : [],
      };
    }
    const packages = have.map((p) => `${p.name} ${p.version}`).join(', ');
    if (vulkan.outcome === 'not-found') return { status: 'warn', reason: msg('ollama.native.noVulkaninfo', { packages }), advice: [tradeoffs], evidence: [] };
    const devices = vulkan.parsed.ok ? vulkan.parsed.value.devices : [];
    const card = devices.find((d) => /nvidia/i.test(d.driver ?? '') || /tesla|nvidia|geforce|quadro/i.test(d.name));
    if (card === undefined) return { status: 'warn', reason: msg('ollama.native.noCard', { packages }), advice: [tradeoffs], evidence: [failureEvidence(vulkan)] };
    return {
      status: 'pass',
      reason: msg('ollama.native.ok', { packages, device: card.name, driver: card.driver ?? '?' }),
      advice: [tradeoffs],
      evidence: [evidenceOf(vulkan, (t) => /deviceName|driverName|deviceType|^GPU\d/.test(t.trim()))],
    };
  },
});
