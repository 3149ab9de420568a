/**
 * The one Linux jail the wizard builds, with fixed names: nothing here ever comes from user text, so every
 * command line that names a path of the jail is one of a handful the catalogue validates exactly.
 */
export const JAIL_NAME = 'cuda';
export const JAIL_ROOT = '/usr/local/jails/cuda';
/** The jail's own fstab, named in jail.conf's mount.fstab; a file of its own so /etc/fstab is never touched. */
export const JAIL_FSTAB = '/etc/fstab.cuda';
/** debootstrap keeps this directory in the target until it has finished: its presence means half-built. */
export const DEBOOTSTRAP_MARKER = 'debootstrap';

/** Ubuntu 22.04 LTS: glibc 2.35, supported by CUDA 12.x and by FreeBSD's Linux ABI (it reports 5.15). */
export const UBUNTU_SUITE = 'jammy';
export const UBUNTU_MIRROR = 'http://archive.ubuntu.com/ubuntu/';

/** The devfs ruleset for the jail: above the defaults (1–5), unlikely to collide with hand-made ones. */
export const DEVFS_RULESET_NAME = 'devfsrules_jail_cuda';
export const DEVFS_RULESET_NUMBER = 61;

/**
 * CUDA 12.4 update 1: a 12.x toolkit (13.x no longer builds for Pascal, sm_61) whose runfile still ships the
 * prebuilt extras/demo_suite/deviceQuery. Its bundled driver (550.54.15) is never installed (`--toolkit`).
 */
export const CUDA_TOOLKIT = { release: '12.4', runfile: 'cuda_12.4.1_550.54.15_linux.run', url: 'https://developer.download.nvidia.com/compute/cuda/12.4.1/local_installers/cuda_12.4.1_550.54.15_linux.run' } as const;
export const DEVICE_QUERY = '/usr/local/cuda/extras/demo_suite/deviceQuery';
export const NVCC = '/usr/local/cuda/bin/nvcc';

/** Inside the jail: where NVIDIA's installers are kept (the host writes them there through the jail's root). */
export const jailPath = (inside: string): string => `${JAIL_ROOT}${inside}`;
export const nvidiaRunfile = (version: string): string => `NVIDIA-Linux-x86_64-${version}.run`;
export const nvidiaRunfileUrl = (version: string): string => `https://download.nvidia.com/XFree86/Linux-x86_64/${version}/${nvidiaRunfile(version)}`;

/** Where the Linux userland keeps its libraries; libcuda.so.<version> names the installed NVIDIA release. */
export const JAIL_LIBDIR = jailPath('/usr/lib/x86_64-linux-gnu');

/** llama.cpp inside the jail: its source, and the two programs the wizard builds from it. */
export const LLAMA_REPO = 'https://github.com/ggml-org/llama.cpp';
export const LLAMA_DIR = '/opt/llama.cpp';
export const LLAMA_BUILD = `${LLAMA_DIR}/build`;
export const LLAMA_CLI = `${LLAMA_BUILD}/bin/llama-cli`;
export const LLAMA_BENCH = `${LLAMA_BUILD}/bin/llama-bench`;

/**
 * The first model: Llama 3.1 8B Instruct quantised to Q4_K_M (4.58 GiB), which fits the P4's 8 GB with room
 * for its context. Fetched on the host into the jail's /opt/models.
 */
export const MODELS_DIR = '/opt/models';
export const FIRST_MODEL = {
  file: 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf',
  url: 'https://huggingface.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF/resolve/main/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf',
  bytes: 4_920_734_016,
} as const;
export const FIRST_MODEL_PATH = `${MODELS_DIR}/${FIRST_MODEL.file}`;

/** llama.cpp's HTTP server (built with the other two), its usual port, and where the summary's commands keep its log and pid. */
export const LLAMA_SERVER = `${LLAMA_BUILD}/bin/llama-server`;
export const LLAMA_SERVER_PORT = 8080;
export const LLAMA_SERVER_LOG = '/var/log/llama-server.log';
export const LLAMA_SERVER_PID = '/var/run/llama-server.pid';
