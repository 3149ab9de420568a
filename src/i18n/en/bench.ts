/** Texts of the benchmark: figures against their limits, and the likely causes when one is far below. */
export const benchEn = {
  'bench.title': 'Benchmark against the physical limits',
  'bench.header': 'llama-bench {build} ({format}), {rows} results; model {gb} GB; link x{width} at {gts} GT/s',
  'bench.header.assumed': 'llama-bench {build} ({format}), {rows} results; model {gb} GB; link not given, x{width} at {gts} GT/s assumed',
  'bench.figure.load-time': 'Model load time',
  'bench.figure.transfer': 'Effective transfer rate while loading (link x{width} at {gts} GT/s)',
  'bench.figure.prompt': 'Prompt processing ({test})',
  'bench.figure.generation': 'Generation ({test}); limit: 192 GB/s memory ÷ model size',

  'bench.limit.value': 'limit {limit} {unit}',
  'bench.limit.none': 'no fixed limit (compute-bound)',
  'bench.limit.share': '{percent} % of the limit',
  'bench.causes': 'Likely causes, most likely first:',

  'bench.verdict.pass': 'Every figure is close to its limit: the card does what it can.',
  'bench.verdict.warn': 'The model loads much slower than the link allows; generation itself is fine.',
  'bench.verdict.fail': 'Generation is far below what the card can do.',

  'bench.cause.link-slow': 'The link runs at x{width} and {gts} GT/s ({mbps} MB/s), below the x1 at 5.0 GT/s that the ExpressCard slot can do, so the model crosses it at half speed or less. Reseat the ExpressCard and its cable with the power off, then check the link again.',
  'bench.cause.load-disk': 'The link is not what slows loading: {mbps} MB/s is far below it. llama.cpp reads the model file from disk while loading, and a hard disk, or a file read for the first time, is slower than the link. Run it again (the file is then in the cache) or keep the model on an SSD.',
  'bench.cause.no-cuda': 'This llama.cpp was built without CUDA (backend {backend}), so everything ran on the laptop’s processor. Build it inside the jail with -DGGML_CUDA=ON and a CUDA 12 toolkit.',
  'bench.cause.layers-cpu': 'Only {layers} of the model’s {total} layers were on the GPU; the rest ran on the processor and set the pace. Run with -ngl 99, or choose a smaller model if the card’s 8 GB are full.',
  'bench.cause.ngl-low': 'The benchmark ran with -ngl {ngl}, which can leave layers on the processor. Run it again with -ngl 99.',
  'bench.cause.thermal': 'The card was at {temperature} °C, above the {hot} °C where the P4 starts lowering its clocks. It has no fan of its own: it needs a fan blowing along its fins.',
  'bench.cause.thermal-slowdown': 'The card was at {temperature} °C and nvidia-smi reports it slowing down to protect itself. Point a fan along its fins (see “Power supply and cooling”) and run the benchmark again.',
  'bench.cause.generation-unexplained': 'Generation is far below what the card’s memory allows, and none of the usual causes shows in what was measured. Watch nvidia-smi while it runs: GPU use should be near 100 % and the clocks high.',
} as const;
