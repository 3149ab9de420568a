import type { ollamaEn } from '../en/ollama';

/** 首个模型步骤的第二种运行时 ollama，以及它的诊断结果。 */
export const ollamaZhCN = {
  'scenario.x220-ollama': 'ThinkPad X220，jail cuda 正常，尚未安装 ollama：向导安装一个能驱动 P4 的版本，并加以验证',
  'scenario.x220-ollama-pascal': 'ThinkPad X220，jail 中的 ollama 0.33.3 没有 cuda_v12：P4 被跳过，推理退回到 CPU',
  'ollama.input.runtime': '运行时',
  'ollama.input.runtime.llama': 'llama.cpp（在 jail 中编译）',
  'ollama.input.runtime.ollama': 'ollama（官方 Linux 发行包，作为服务运行）',
  'ollama.instructions.runtime':
    '选择运行时：llama.cpp 从源码为 P4 编译；ollama 则使用其 Linux 发行包，作为服务在 jail 中运行。两者按同样的硬件上限评判。较新的 ollama 发行版已不再为 P4 这类 Pascal 显卡编译 CUDA，向导会安装一个仍然支持的版本，并在安装前先检查。',

  'ollama.check.install': 'jail 中的 ollama 及其适用于 P4 的 CUDA 运行库',
  'ollama.install.missing': 'jail 中还没有 ollama。向导会按 ollama 官方 Linux 发行包的方式安装 {release} 版：把一个压缩包解压到 /usr/local。',
  'ollama.install.advice': '压缩包约 1.5 GB。安装之前，向导会先确认其中包含 lib/ollama/cuda_v12——仍然支持 P4 的那组运行库。',
  'ollama.install.skipped': 'ollama {version} 跳过了 {device}：其 CUDA 运行库编译时所针对的架构（{archs}）中没有计算能力 {cc}。推理因此全部落到处理器上。',
  'ollama.install.noCuda12': 'ollama {version} 没有 {dir}：它的 CUDA 运行库只为较新的显卡编译，会跳过 P4（计算能力 6.1），改用处理器运行。',
  'ollama.install.noCurl': 'jail 中缺少 curl；基准测试要用它调用 ollama 的 API。',
  'ollama.install.ok': '已安装 ollama {version}，带有能驱动 P4 的 CUDA 12 运行库（{dir}）。',
  'ollama.archive.noCuda12': '下载的发行包中没有 lib/ollama/cuda_v12，无法驱动 P4，因此没有安装任何东西。请自行以计算能力 6.1 编译 ollama，或改用 Vulkan（见建议）。',

  'ollama.fix.release': '首选：换用仍带有 {dir} 的发行版。向导会在下方安装 {release}，先检查压缩包里有这个目录，并先删除旧版本的运行库。',
  'ollama.fix.build': '其次：在 jail 中从源码编译 ollama，指定 CMAKE_CUDA_ARCHITECTURES=61（jail 里已有 CUDA 12.4 工具包）：cmake -B build -DCMAKE_CUDA_ARCHITECTURES=61 && cmake --build build，然后 go build。',
  'ollama.fix.vulkan': '最后：以 OLLAMA_VULKAN=1 启动 ollama，让它通过 Vulkan 使用显卡。不依赖 CUDA 也能运行，但据说更慢。',

  'ollama.check.service': 'jail 中运行的 ollama serve',
  'ollama.reason.rcScript': '一个 rc.d 服务：通过 daemon(8) 在 jail {jail} 中运行“ollama serve”，进程退出时自动重启，日志写入 {log}。',
  'ollama.reason.rcEnable': '开机时在 jail 之后启动 ollama。',
  'ollama.service.later': '安装 ollama 之后再检查。',
  'ollama.service.ok': 'ollama serve 以服务 {service} 的形式在 jail {jail} 中运行，监听 {address}；开机时在 jail 之后自动启动。',
  'ollama.service.notConfigured': 'ollama 已安装，但还没有服务：向导会添加 {service}（一个 rc.d 脚本和 rc.conf 中的一行）并启动它。',
  'ollama.service.stopped': '服务 {service} 已配置，但没有运行。',
  'ollama.service.advice.address':
    '它只监听 jail 的回环地址：本机通过 http://127.0.0.1:11434 访问，你的笔记本通过“ssh -L 11434:127.0.0.1:11434 you@x220”访问。若要监听其他地址，请设置 ollama_cuda_host（sysrc ollama_cuda_host=192.168.1.20:11434）并重启服务。注意：ollama 没有登录验证，任何能访问该地址的人都能使用显卡、向你的磁盘拉取模型，也能删除模型。',

  'ollama.check.model': 'ollama 中的模型',
  'ollama.model.later': 'ollama serve 运行之后再检查。',
  'ollama.model.missing': '还没有拉取 {model}（{gb} GB）。',
  'ollama.model.advice': '可以在下方让向导拉取（ollama pull）。它与 llama.cpp 的首个模型是同一个 Llama 3.1 8B Q4_K_M。',
  'ollama.model.ok': '{model} 已就绪（{gb} GB）。',

  'ollama.check.gpu': 'ollama 在 P4 上运行模型',
  'ollama.gpu.later': 'ollama serve 运行且模型拉取完成后再检查。',
  'ollama.gpu.failed': 'ollama 没有响应请求（{detail}）。',
  'ollama.gpu.noLog': 'ollama 有响应，但其日志 {log} 为空或不存在，无法证明它在哪里运行。',
  'ollama.gpu.skipped': 'ollama 跳过了 {device}（其 CUDA 运行库不含计算能力 {cc}），改在处理器上运行。',
  'ollama.gpu.skippedVulkan': 'ollama 的 CUDA 运行库跳过了 {device}（计算能力 {cc}），改由 {library} 接管显卡，速度更慢。',
  'ollama.gpu.cpu': 'ollama 根本没有找到 GPU：日志中只列出了处理器（library=cpu）。',
  'ollama.gpu.noCuda': 'ollama 没有找到 CUDA 设备；日志中列出的是其他库。',
  'ollama.gpu.partial': 'ollama ps 显示 {processor}：模型有一部分在处理器上运行。',
  'ollama.gpu.ok': 'ollama 的日志表明 {library} 接管了 {device}（计算能力 {compute}），ollama ps 显示 {processor}。',

  'ollama.check.benchmark': '通过 ollama 的基准测试',
  'ollama.bench.header': 'ollama /api/generate，模型 {model}（{gb} GB）；链路 x{width}，{gts} GT/s',
  'ollama.bench.header.assumed': 'ollama /api/generate，模型 {model}（{gb} GB）；未指定链路，按 x{width}、{gts} GT/s 计算',
  'ollama.bench.later': 'ollama serve 运行且模型拉取完成后再测。',
  'ollama.bench.warm': '模型已经在显存中（ollama 会保留五分钟），所以没有测到经链路的加载。运行“service ollama_cuda restart”后再检查一次，即可测量加载时间。',

  'ollama.action.install.title': '安装 ollama',
  'ollama.action.install.description': '把 ollama 的 Linux 发行包下载到 jail 中，确认其中带有 lib/ollama/cuda_v12，然后解压到 jail 的 /usr/local。',
  'ollama.action.install.after': '接下来向导会配置服务。',
  'ollama.action.replace.title': '安装仍然支持 P4 的 ollama',
  'ollama.action.replace.description': '下载带有 lib/ollama/cuda_v12 的发行版并检查，删除已安装的运行库，解压新版本，然后重启 ollama。',
  'ollama.action.replace.after': '随后重新检查：ollama 的日志应当表明 CUDA 接管了 Tesla P4。',
  'ollama.action.service.title': '配置并启动 ollama 服务',
  'ollama.action.service.description': '写入 rc.d 脚本并在 rc.conf 中启用（下方以 diff 显示，并有备份），然后启动。',
  'ollama.action.service.after': 'ollama 监听 127.0.0.1:11434，每次开机自动启动。',
  'ollama.action.pull.title': '拉取首个模型',
  'ollama.action.pull.description': 'ollama pull llama3.1:8b，约 4.9 GB。',
  'ollama.action.pull.after': '随后检查会在显卡上运行模型并测量速度。',

  'diagnosis.ollama-arch-unsupported.title': 'ollama 跳过了显卡：其 CUDA 运行库不是为它编译的',
  'diagnosis.ollama-arch-unsupported.explanation':
    'ollama 的 CUDA 运行库（{libdirs}）针对计算能力 {archs} 编译；{device} 的计算能力是 {cc}，所以被 ollama 跳过。没有其他 GPU 库接管这张卡：推理在处理器上运行。',
  'diagnosis.ollama-arch-unsupported.vulkan':
    'ollama 的 CUDA 运行库（{libdirs}）针对计算能力 {archs} 编译；{device} 的计算能力是 {cc}，所以 CUDA 跳过了它，改由 {library} 接管，速度更慢。',
  'diagnosis.cuda-cpu-fallback.ollama.title': 'ollama 在 CPU 上运行',
  'diagnosis.cuda-cpu-fallback.ollama': 'ollama 最近一次启动没有找到 GPU：日志中唯一的推理设备是处理器（library=cpu）。',
  'diagnosis.fix.ollama-release.title': '安装带有 cuda_v12 的 ollama 发行版',
  'diagnosis.fix.ollama-release.instruction': '2026 年年中以前的发行版带有包含 Pascal 代码的 lib/ollama/cuda_v12。安装前先检查压缩包（tar -tf … lib/ollama/cuda_v12），删除旧的 lib/ollama，解压后重启 ollama。向导的“首个模型”步骤可以代你完成。',
  'diagnosis.fix.ollama-build.title': '以计算能力 6.1 编译 ollama',
  'diagnosis.fix.ollama-build.instruction': '用 CUDA 12 工具包从源码编译 ollama，并指定 CMAKE_CUDA_ARCHITECTURES=61（CUDA 13 已不再支持为 Pascal 编译）。',
  'diagnosis.fix.ollama-vulkan.title': '改用 Vulkan（OLLAMA_VULKAN=1）',
  'diagnosis.fix.ollama-vulkan.instruction': '以 OLLAMA_VULKAN=1 启动 ollama serve，让它通过 Vulkan 驱动显卡。',
  'diagnosis.fix.ollama-vulkan.risk': '据说在同一张卡上比 CUDA 慢。',
  'diagnosis.fix.ollama-gpu-visible.title': '让 ollama 看到 GPU',
  'diagnosis.fix.ollama-gpu-visible.instruction': 'ollama 必须运行在有 NVIDIA 设备和库的地方：在 jail 中，/dev/nvidia0 和 /dev/nvidiactl 未被隐藏，且 libcuda 与宿主机驱动版本一致。',
} satisfies Record<keyof typeof ollamaEn, string>;
