import type { benchEn } from '../en/bench';

/** 基准测试的文本：各项数据与物理上限的对比，以及明显偏低时最可能的原因。 */
export const benchZhCN = {
  'bench.title': '对照物理上限的基准测试',
  'bench.header': 'llama-bench {build}（{format} 格式），{rows} 条结果；模型 {gb} GB；链路 x{width}，{gts} GT/s',
  'bench.header.assumed': 'llama-bench {build}（{format} 格式），{rows} 条结果；模型 {gb} GB；未指定链路，按 x{width}、{gts} GT/s 计算',
  'bench.figure.load-time': '模型加载时间',
  'bench.figure.transfer': '加载时的实际传输速率（链路 x{width}，{gts} GT/s）',
  'bench.figure.prompt': '提示词处理（{test}）',
  'bench.figure.generation': '生成速度（{test}）；上限 = 192 GB/s 显存带宽 ÷ 模型大小',

  'bench.limit.value': '上限 {limit} {unit}',
  'bench.limit.none': '无固定上限（受算力限制）',
  'bench.limit.share': '达到上限的 {percent}%',
  'bench.causes': '可能的原因（按可能性从高到低）：',

  'bench.verdict.pass': '各项数据都接近上限，显卡已发挥应有的性能。',
  'bench.verdict.warn': '模型加载明显慢于链路所能达到的速度；生成速度本身正常。',
  'bench.verdict.fail': '生成速度远低于这块显卡的能力。',

  'bench.cause.link-slow': '链路只以 x{width}、{gts} GT/s 运行（{mbps} MB/s），低于 ExpressCard 插槽支持的 x1、5.0 GT/s，模型传输速度因此只有一半甚至更低。请在断电状态下重新插好 ExpressCard 卡和线缆，然后再检查一次链路。',
  'bench.cause.load-disk': '拖慢加载的不是链路：{mbps} MB/s 远低于链路速率。llama.cpp 加载时要从磁盘读取模型文件，机械硬盘或首次读取的文件都比链路慢。再运行一次（文件已进入缓存），或把模型放到 SSD 上。',
  'bench.cause.no-cuda': '这个 llama.cpp 编译时没有启用 CUDA（后端为 {backend}），所有计算都在笔记本的处理器上完成。请在 jail 中用 CUDA 12 工具包并加上 -DGGML_CUDA=ON 重新编译。',
  'bench.cause.layers-cpu': '模型的 {total} 层中只有 {layers} 层在 GPU 上，其余在处理器上运行，拖慢了整体速度。请使用 -ngl 99 运行；如果显卡的 8 GB 显存已满，请换一个更小的模型。',
  'bench.cause.ngl-low': '本次基准测试使用了 -ngl {ngl}，可能有部分层留在处理器上。请用 -ngl 99 重新运行。',
  'bench.cause.thermal': '显卡温度为 {temperature} °C，已超过 P4 开始降频的 {hot} °C。它自身没有风扇，需要一台风扇顺着散热鳍片吹风。',
  'bench.cause.thermal-slowdown': '显卡温度为 {temperature} °C，nvidia-smi 显示它正在为自我保护而降频。请让风扇顺着散热鳍片吹风（见“电源与散热”一步），然后重新运行基准测试。',
  'bench.cause.generation-unexplained': '生成速度远低于显存带宽所允许的水平，但在已测得的数据中看不出常见原因。请在运行时观察 nvidia-smi：GPU 利用率应接近 100%，时钟频率应处于高位。',
} satisfies Record<keyof typeof benchEn, string>;
