import type { modelEn } from '../en/model';

/** 首个模型步骤：jail 中带 CUDA 的 llama.cpp、模型文件、试生成与基准测试。 */
export const modelZhCN = {
  'model.title': '首个模型与基准测试',
  'model.intro': '现在让显卡真正干活：在 jail 中编译好的、带 CUDA 的 llama.cpp 把模型载入 P4，生成几句话，再用 llama-bench 测一测速度。每个数字旁边都标出了硬件的上限。',
  'model.instructions.build': 'llama.cpp 在 jail 里从源码编译，使用 jail 步骤安装的 CUDA 12 工具包，针对 P4 的计算能力 6.1 启用 CUDA。首个模型是 Llama 3.1 8B Instruct 的 Q4_K_M 量化版（4.6 GiB），放进 8 GB 显存后还给上下文留有余量。',
  'model.instructions.limits': '决定数字的是两道上限。加载：模型要经过 ExpressCard 链路，5 GT/s 下实际约 400–450 MB/s，4.6 GiB 需要 11–13 秒。生成：每生成一个词都要把整个模型从显存读一遍，192 GB/s ÷ 4.9 GB，理论上每秒最多约 39 个词，实际约 25–30 个。',

  'model.check.llama': 'jail 中带 CUDA 的 llama.cpp',
  'model.llama.noJail': 'jail “cuda” 没有运行。请先回到“Linux jail”步骤。',
  'model.llama.missing': 'jail 中还没有 llama.cpp。',
  'model.llama.notBuilt': 'llama.cpp 的源码已在 jail 中，但还没有编译。',
  'model.llama.advice.build': '可以在下方让向导下载并编译（在 X220 上约需 20–40 分钟，大部分时间花在编译 CUDA 内核上）。',
  'model.llama.noCuda': 'jail 中的 llama.cpp {version} 编译时没有启用 CUDA：所有计算都会落在 X220 的处理器上，慢很多倍。',
  'model.llama.advice.rebuild': '请在下方重新编译，向导会以 GGML_CUDA=ON、计算能力 6.1 进行配置。',
  'model.llama.noDevice': 'llama.cpp 已启用 CUDA，但找不到 GPU（{error}）。',
  'model.llama.advice.jail': 'jail 看不到显卡：请检查“Linux jail”步骤中的 devfs 规则集和 NVIDIA 库。',
  'model.llama.ok': 'llama.cpp {version} 已启用 CUDA，并找到了 {device}（计算能力 {cc}）。',

  'model.check.model': '可运行的模型',
  'model.file.unreadable': '无法查找模型文件（{detail}）。',
  'model.file.missing': 'jail 的 /opt/models 中还没有 {file}（{gib} GiB）。',
  'model.file.advice': '可以在下方让向导下载。模型来自 Hugging Face，网速慢时需要一段时间；下载完成后检查会自动找到它。',
  'model.file.ok': '{file} 已就位（{gib} GiB）。',

  'model.check.generation': '在 GPU 上试生成一小段',
  'model.generation.later': '等 llama.cpp 能找到 GPU、模型也已就位后才会运行。',
  'model.generation.failed': 'llama-cli 以退出码 {code} 结束。它的输出见证据和命令日志。',
  'model.generation.partial': '只有 {layers}/{total} 层放到了 GPU 上，其余都在处理器上运行。',
  'model.generation.advice.partial': '使用 -ngl 99 时所有层都应放到显卡上。层数不够，说明显存剩余不足，或者编译时没有启用 CUDA。',
  'model.generation.ok': '全部 {layers} 层都在 GPU 上运行：每秒 {tps} 个词（token），加载用时 {seconds} 秒。',

  'model.check.benchmark': '对照上限的基准测试',
  'model.bench.later': '等 llama.cpp 编译完成、模型也已就位后才会运行。',
  'model.bench.failed': 'llama-bench 没有正常结束（{detail}）。',
  'model.bench.unreadable': '无法解析基准测试的输出（{detail}）。',
  'model.bench.pass': '生成速度 {tg} token/秒（达到显存带宽上限的 {share}%），提示词处理 {pp} token/秒。没有哪一项明显低于上限。',
  'model.bench.warn': '生成速度 {tg} token/秒（达到显存带宽上限的 {share}%），提示词处理 {pp} token/秒。有东西在拖慢速度，见下方说明。',
  'model.bench.fail': '生成速度 {tg} token/秒，只有显存带宽上限的 {share}%（提示词处理 {pp} token/秒）。最可能的原因见下方。',

  'model.check.thermal': '负载下的温度',
  'model.thermal.later': '随基准测试一起运行，测试会让显卡满载。',
  'model.thermal.ok': '基准测试刚结束时显卡为 {celsius} °C，功耗 {watts} W，没有降频。散热没问题。',
  'model.thermal.warm': '基准测试刚结束时显卡为 {celsius} °C（{watts} W），偏热。长时间运行可能会触发降频。',
  'model.thermal.hot': '基准测试刚结束时显卡为 {celsius} °C（{watts} W），已在自我保护：它会降频，接近 90 °C 时会直接关机。',

  'model.action.build.title': '编译带 CUDA 的 llama.cpp',
  'model.action.build.description': '把 llama.cpp 源码下载到 jail 中（git clone），以计算能力 6.1 启用 CUDA 进行配置，并编译 llama-cli 和 llama-bench。jail 之外不做任何改动。',
  'model.action.build.after': '在 X220 上编译需要 20–40 分钟，进度条跟随 cmake 的输出。可以中途停止，之后再继续：源码会保留。',
  'model.action.download.title': '下载首个模型',
  'model.action.download.description': '用 fetch 把 Llama 3.1 8B Instruct（Q4_K_M，4.6 GiB）下载到 jail 的 /opt/models。',
  'model.action.download.after': '下载完成后，检查会试生成一小段并运行基准测试。',
} satisfies Record<keyof typeof modelEn, string>;
