import { JAIL_NAME, MODELS_DIR, jailPath } from './layout';

/**
 * ollama in the jail, installed the way its Linux releases are: one tarball extracted into /usr/local
 * (bin/ollama, lib/ollama/<runners>), started as a service. Every path and name is fixed here; nothing comes
 * from user text.
 */

export const OLLAMA_BIN = '/usr/local/bin/ollama';
/** Where the release's runners live: cuda_v12, cuda_v13, vulkan, the CPU libraries. */
export const OLLAMA_LIB_DIR = '/usr/local/lib/ollama';
/** The runner folder a Pascal card needs: recent releases build cuda_v13 (and cuda_v12 for old cards, until they dropped it). */
export const OLLAMA_CUDA12_DIR = 'cuda_v12';

/**
 * The release the wizard installs: one that still ships lib/ollama/cuda_v12 with code for compute capability
 * 6.1 (ollama's CUDA v12 preset listed 61 until Pascal was dropped from the Linux builds in mid-2026). The
 * wizard does not take this on trust: it lists the archive and extracts it only when cuda_v12 is in it.
 */
export const OLLAMA_RELEASE = '0.30.10';
export const OLLAMA_ARCHIVE = `ollama-linux-amd64-v${OLLAMA_RELEASE}.tar.zst`;
export const OLLAMA_ARCHIVE_URL = `https://github.com/ollama/ollama/releases/download/v${OLLAMA_RELEASE}/ollama-linux-amd64.tar.zst`;
/** Fetched on the host into the jail's /root, extracted on the host (bsdtar reads zstd) into the jail's /usr/local. */
export const OLLAMA_ARCHIVE_PATH = jailPath(`/root/${OLLAMA_ARCHIVE}`);
export const OLLAMA_EXTRACT_DIR = jailPath('/usr/local');
/** The entry whose presence in the archive proves it can run a Pascal card. */
export const OLLAMA_CUDA12_ENTRY = `lib/ollama/${OLLAMA_CUDA12_DIR}`;

/** The host's rc.d service that runs `ollama serve` inside the jail through daemon(8) and jexec. */
export const OLLAMA_SERVICE = 'ollama_cuda';
export const OLLAMA_RC_SCRIPT = '/usr/local/etc/rc.d/ollama_cuda';
/** daemon(8) writes ollama serve's output here (on the host), across restarts. */
export const OLLAMA_LOG = '/var/log/ollama_cuda.log';
/** The jail's loopback: with ip4=inherit it is the host's 127.0.0.1 too. */
export const OLLAMA_ADDRESS = '127.0.0.1:11434';
/** Models ollama pulls, beside the GGUF files of llama.cpp (inside the jail). */
export const OLLAMA_MODELS = `${MODELS_DIR}/ollama`;

/**
 * The first model through ollama: the same Llama 3.1 8B Instruct Q4_K_M as llama.cpp's, as ollama's library
 * names it. Its size is the model layer's, as `ollama list` rounds it (4.9 GB).
 */
export const OLLAMA_MODEL = { tag: 'llama3.1:8b', bytes: 4_920_753_328 } as const;

/** What the benchmark asks: the same prompt every time, greedy, a fixed number of tokens, no streaming. */
export const OLLAMA_GENERATE_BODY = JSON.stringify({
  model: OLLAMA_MODEL.tag,
  prompt: 'In one paragraph, what does a graphics card do?',
  stream: false,
  options: { temperature: 0, num_predict: 128 },
});
export const OLLAMA_GENERATE_URL = `http://${OLLAMA_ADDRESS}/api/generate`;

/**
 * The rc.d script: daemon(8) keeps `ollama serve` running inside the jail (restarting it if it dies), writes
 * its log, and `service ollama_cuda stop` ends it. rc.conf's ollama_cuda_host chooses the address it listens
 * on (the jail's loopback unless the user sets another); ollama_cuda_enable starts it at boot, after the jail.
 */
export const OLLAMA_RC_SCRIPT_TEXT = [
  '#!/bin/sh',
  '#',
  '# Added by eGPU Wizard: ollama serve inside the Linux jail "cuda".',
  '#',
  '# PROVIDE: ollama_cuda',
  '# REQUIRE: jail',
  '# KEYWORD: shutdown',
  '',
  '. /etc/rc.subr',
  '',
  'name="ollama_cuda"',
  'rcvar="ollama_cuda_enable"',
  '',
  'load_rc_config $name',
  '',
  ': ${ollama_cuda_enable:="NO"}',
  `: \${ollama_cuda_host:="${OLLAMA_ADDRESS}"}`,
  '',
  'pidfile="/var/run/${name}.pid"',
  'command="/usr/sbin/daemon"',
  `command_args="-r -P \${pidfile} -o ${OLLAMA_LOG} -t \${name} /usr/sbin/jexec ${JAIL_NAME} /usr/bin/env HOME=/root OLLAMA_HOST=\${ollama_cuda_host} OLLAMA_MODELS=${OLLAMA_MODELS} ${OLLAMA_BIN} serve"`,
  '',
  'run_rc_command "$1"',
  '',
].join('\n');
