/**
 * The first model on the passthrough route, on the simulated X220 with VT-d: from deviceQuery passing in the
 * guest, llama.cpp is built there, the model downloaded, a generation and the benchmark run in the guest, and
 * the benchmark is judged with the link the HOST's pciconf reports.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LogEntry, type WizardState } from '../../src/contract/state';
import type { Summary } from '../../src/contract/summary';
import { atGuestFirstModel } from './walk';

const STEP = 'first-model';
const check = (state: WizardState, id: string) => state.current.checks.find((c) => c.id === id);
const offered = (state: WizardState) => state.current.actions.filter((a) => a.offered).map((a) => a.id);

describe('the first model in the passthrough guest', () => {
  it('x220-vtd: builds llama.cpp in the guest, downloads the model, and judges the benchmark by the host’s link', async () => {
    const progress: string[] = [];
    const walk = await atGuestFirstModel('x220-vtd', {
      onState: (seen) => {
        const shown = seen.current.actions.find((a) => a.id === 'guest-build')?.progress;
        if (shown) progress.push(`${shown.done}/${shown.total}`);
      },
    });
    const { call } = walk;
    expect(walk.jailStep.current.checks.find((c) => c.id === 'guest-cuda')?.status).toBe('pass');

    let state = await call('wizard:runChecks', { stepId: STEP });
    expect(state.current.checks.map((c) => c.id)).toEqual(['guest-route', 'guest-llama', 'guest-model', 'guest-generation', 'guest-benchmark', 'guest-thermal-load']);
    expect(check(state, 'guest-route')).toMatchObject({ status: 'pass', reason: { key: 'model.guest.running' }, advice: [] });
    expect(check(state, 'guest-llama')).toMatchObject({ status: 'fail', reason: { key: 'model.guest.llama.missing' } });
    expect(check(state, 'guest-model')).toMatchObject({ status: 'fail', reason: { key: 'model.guest.file.missing' } });
    expect(check(state, 'guest-benchmark')).toMatchObject({ status: 'skip', reason: { key: 'model.bench.later' } });
    expect(offered(state)).toEqual(['guest-build', 'guest-download']);
    const build = state.current.actions.find((a) => a.id === 'guest-build');
    expect(build?.commands.map((c) => c.argv.join(' '))).toEqual([
      'env DEBIAN_FRONTEND=noninteractive apt-get -y -o APT::Status-Fd=1 -o DPkg::Lock::Timeout=600 update',
      'env DEBIAN_FRONTEND=noninteractive apt-get -y -o APT::Status-Fd=1 -o DPkg::Lock::Timeout=600 install git cmake build-essential wget',
      'git clone --depth 1 https://github.com/ggml-org/llama.cpp /opt/llama.cpp',
      'cmake -S /opt/llama.cpp -B /opt/llama.cpp/build -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=61 -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc',
      'cmake --build /opt/llama.cpp/build --config Release --target llama-cli llama-bench llama-server -j 4',
    ]);

    state = await call('wizard:runAction', { stepId: STEP, actionId: 'guest-build', confirmed: true });
    expect(check(state, 'guest-llama')).toMatchObject({ status: 'pass', reason: { key: 'model.llama.ok', params: { device: 'Tesla P4', cc: '6.1' } } });
    expect(progress).toContain('100/100');
    state = await call('wizard:runAction', { stepId: STEP, actionId: 'guest-download', confirmed: true });
    expect(check(state, 'guest-model')).toMatchObject({ status: 'pass', reason: { key: 'model.file.ok' } });
    expect(check(state, 'guest-generation')).toMatchObject({ status: 'pass', reason: { key: 'model.generation.ok', params: { layers: 33 } } });
    const bench = check(state, 'guest-benchmark');
    expect(bench?.status).toBe('pass');
    expect(bench?.reason?.key).toMatch(/^model\.bench\./);
    expect(check(state, 'guest-thermal-load')).toMatchObject({ status: 'pass', reason: { key: 'model.thermal.ok' } });
    expect(offered(state)).toEqual([]);

    // The link figure is the host's: pciconf on the host (as root), the card's block, its trained link.
    const host = walk.host();
    if (host === null) throw new Error('no host');
    const pci = await host.exec({ argv: ['sudo', '-S', '-p', '', '-k', '--', 'pciconf', '-lvbc'], stdin: 'demo\n', timeoutMs: 60_000 });
    const card = pci.stdout.split(/\n(?=\S)/).find((block) => /vendor\s+= 'NVIDIA/.test(block)) ?? '';
    const link = /link x(\d+)\(x\d+\) speed ([\d.]+)\(/.exec(card);
    expect(link).not.toBeNull();
    const transfer = bench?.figures?.find((f) => f.label.key === 'bench.figure.transfer');
    expect(transfer?.label.params).toEqual({ width: Number(link?.[1]), gts: Number(link?.[2]).toFixed(1) });
    // The benchmark ran in the guest; the link was read on the host.
    await walk.backend.audit.flush();
    const audit = (await readFile(join(walk.dataDir, 'audit.log'), 'utf8')).split('\n').filter((l) => l !== '').map((l): LogEntry => LogEntry.parse(JSON.parse(l)));
    expect(audit.filter((e) => e.commandId === 'guestLlamaBench').at(-1)).toMatchObject({ host: 'ssh://ubuntu@192.168.1.200', outcome: 'ok', privileged: false });
    expect(audit.filter((e) => e.commandId === 'pciconfCaps').every((e) => e.host === 'sim:x220-vtd')).toBe(true);

    // On to the end: the summary says how to use the card in the guest from now on.
    expect(state.current.canContinue).toBe(true);
    state = await call('wizard:next', { stepId: STEP, continueAnyway: false });
    // Verify finds the root port above ppt0 as above vgapci (sysctl -i … dev.ppt), so the link is judged, not guessed.
    const verify = await call('wizard:runChecks', { stepId: 'verify' });
    expect(verify.current.checks.map((c) => [c.id, c.status])).toEqual([['pcie-link', 'pass'], ['expected-speed', 'pass']]);
    expect(verify.current.canContinue).toBe(true);
    await call('wizard:next', { stepId: 'verify', continueAnyway: false });
    const summary = (await call('wizard:summary', {})) as unknown as Summary;
    // The facts name the guest the card works in, not a jail that was never built.
    expect(summary.guest).toEqual({ name: 'cuda', address: '192.168.1.200', release: '24.04', cudaRelease: '12.4' });
    expect(summary.runtime).toMatchObject({ name: 'llama.cpp', version: '6123 (b3a8f1c2)', model: '/opt/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf', modelGiB: '4.58' });
    expect(summary.benchmark?.status).toBe(bench?.status);
    expect(summary.benchmark?.figures).toEqual(bench?.figures);
    const usage = summary.usage[0];
    const section = (id: string) => usage?.sections.find((x) => x.id === id)?.items ?? [];
    const argv = (id: string) => section(id).map((i) => i.command?.argv.join(' ') ?? null);
    const key = join(walk.dataDir, 'bhyve/guest_ed25519');
    expect(usage?.runtime).toBe('llama.cpp');
    expect(section('start')[0]).toMatchObject({ say: { key: 'summary.guest.login', params: { name: 'cuda', address: '192.168.1.200' } }, command: { where: 'host', argv: ['ssh', '-i', key, 'ubuntu@192.168.1.200'] } });
    expect(argv('start')[1]).toBe(`ssh -i ${key} -t ubuntu@192.168.1.200 /opt/llama.cpp/build/bin/llama-server -m /opt/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ngl 99 --host 127.0.0.1 --port 8080`);
    expect(argv('reach')[0]).toBe(`ssh -i ${key} -N -L 8080:127.0.0.1:8080 ubuntu@192.168.1.200`);
    // The wizard wrote vm_enable and vm_list into rc.conf, so the guest starts at boot; `vm start` by hand too.
    expect(section('boot').map((i) => i.say.key)).toEqual(['summary.guest.vmStart', 'summary.guest.autostart', 'summary.guest.serverManual']);
    expect(argv('boot')[0]).toBe('sudo vm start cuda');
    expect(argv('benchmark')[0]).toBe(`ssh -i ${key} ubuntu@192.168.1.200 /opt/llama.cpp/build/bin/llama-bench -m /opt/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ngl 99`);
    // Nothing of the jail's way: no jexec anywhere.
    expect(usage?.sections.flatMap((x) => x.items).some((i) => i.command?.argv.includes('jexec'))).toBe(false);
  });
});
