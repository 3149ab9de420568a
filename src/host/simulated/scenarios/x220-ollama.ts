import { OLLAMA_MODEL, OLLAMA_RC_SCRIPT, OLLAMA_RC_SCRIPT_TEXT } from '../../../jail/ollama';
import { OLLAMA_RELEASES } from '../tools/ollama';
import { wizardJailFiles, x220WithJail } from './x220-jail';

/**
 * The jail works (driver, devices, NVIDIA userland, CUDA 12.4), ollama is not installed yet and the fresh
 * Ubuntu userland has no curl: the wizard installs curl and ollama's release with cuda_v12, sets up the
 * service, pulls the model, and ollama runs it on the P4.
 */
export const x220Ollama = x220WithJail({
  name: 'x220-ollama',
  description: 'ThinkPad X220, jail cuda working, ollama not installed yet: the wizard installs a release that runs the P4 and proves it',
  files: wizardJailFiles(),
});

/**
 * ollama was set up by an earlier run of the wizard, then upgraded by hand to 0.33.3, whose Linux build has
 * only cuda_v13 (compute capability 7.5 and up): the serve log says the Tesla P4 was skipped and the model
 * runs on the CPU. The wizard finds it from the missing lib/ollama/cuda_v12 and the log's skip line, and puts
 * back a release that ships cuda_v12.
 */
export const x220OllamaPascal = x220WithJail({
  name: 'x220-ollama-pascal',
  description: 'ThinkPad X220, ollama 0.33.3 in the jail (no cuda_v12): the P4 is skipped and inference falls to the CPU',
  files: { ...wizardJailFiles(), [OLLAMA_RC_SCRIPT]: OLLAMA_RC_SCRIPT_TEXT },
  rcConf: ['ollama_cuda_enable="YES"'],
  linux: {
    curl: true,
    aptUpdated: true,
    ollama: { release: '0.33.3', libs: [...(OLLAMA_RELEASES['0.33.3'] ?? [])], server: null, models: { [OLLAMA_MODEL.tag]: OLLAMA_MODEL.bytes }, loaded: null, starts: 0 },
  },
});
