import type { guestEn } from '../en/guest';

/** 直通路线中 Ubuntu 虚拟机内部：登录、NVIDIA 驱动、nvidia-smi 和 CUDA 的 deviceQuery。 */
export const guestZhCN = {
  'guest.later': '向导能够登录虚拟机“{name}”后再检查。',
  'guest.unreadable': '向导无法读取虚拟机中的 {what}：{detail}',

  'guest.check.reach': '虚拟机：向导可以登录',
  'guest.reach.later': '虚拟机“{name}”创建后再检查：vm create 会把它的地址写入 {file}。',
  'guest.reach.noStaticAddress': '{file} 中没有为虚拟机“{name}”设置固定地址（创建时未指定，或文件后来被改过），向导因此无法在网络上找到它。',
  'guest.reach.advice.recreate': '让向导用固定地址重新创建虚拟机：先停止它，用“vm destroy -f cuda”删除，然后重新运行检查。',
  'guest.reach.unreadable': '向导无法读取 {file}，虚拟机的地址记录在这个文件里。',
  'guest.reach.unsupported': '从这台主机无法让向导连接到虚拟机。',
  'guest.reach.noKey': '向导在这里没有数据目录，因此没有用来登录虚拟机的密钥（{key}）。',
  'guest.reach.failed': '已登录 {user}@{address}，但读取其系统信息失败：{detail}',
  'guest.reach.otherSystem': '{address} 上运行的是 {found}，不是向导创建的 Ubuntu {release} 虚拟机。可能有另一台计算机占用了这个地址。',
  'guest.reach.ok': '已用向导的密钥（数据目录中的 {key}）以 {user} 身份登录 {address} 上的虚拟机“{name}”：Ubuntu {release}。',

  'guest.check.driver': '虚拟机：已安装并加载 NVIDIA 驱动',
  'guest.driver.missing': '虚拟机中尚未安装 NVIDIA {branch} 驱动（缺少：{missing}）。',
  'guest.driver.advice.why':
    '{branch} 系列是最后一个支持 Tesla P4 等 Pascal 显卡的驱动系列。向导从 Ubuntu 软件仓库安装 {packages}：内核模块（由 DKMS 为每个内核编译）以及计算库和 nvidia-smi，不安装服务器虚拟机用不到的图形组件。带“-open”的软件包不可用：NVIDIA 的开源内核模块只支持 Turing 及更新的显卡。',
  'guest.driver.notLoaded': '驱动软件包（{version}）已安装，但内核模块尚未加载。',
  'guest.driver.otherBranch': '已加载的 NVIDIA 内核模块版本为 {loaded}，不属于这张显卡所需的 {branch} 系列。',
  'guest.driver.unfinished': '虚拟机中上一次安装在 dpkg 配置完 {packages} 之前就中断了。向导会先让 dpkg 完成这些软件包的配置（dpkg --configure -a），再安装其余部分。',
  'guest.apt.network': '虚拟机无法连接 Ubuntu 软件仓库。请确认虚拟机的网关和 DNS 服务器能够访问互联网，然后重试。',
  'guest.apt.locked': '另一个软件包管理程序占用 dpkg 锁已达十分钟（在新建的虚拟机上，通常是自动更新）。请等它结束后重试。',
  'guest.apt.interrupted': '上一次安装被中断了。请重新运行检查：检查会建议先让 dpkg 完成未完成的安装。',
  'guest.driver.ok': '虚拟机中已安装 {packages}，NVIDIA 内核模块 {loaded} 已加载。',

  'guest.check.smi': '虚拟机：nvidia-smi 能识别显卡',
  'guest.smi.later': '虚拟机中装好驱动（含 nvidia-smi）后再检查。',
  'guest.smi.ok': '虚拟机中的 nvidia-smi 显示 {name}，显存 {memory} MiB（驱动 {version}）。',
  'guest.smi.noDriver': '虚拟机中的 nvidia-smi 无法与驱动通信：内核模块没有加载。',
  'guest.smi.noDevice': '驱动已加载，但 nvidia-smi 在虚拟机“{name}”中找不到 GPU。',
  'guest.smi.advice.passthru': '请确认显卡已直通：上方的虚拟机检查应全部通过，虚拟机模板中应有 passthru0 一行。',

  'guest.check.cuda': '虚拟机：CUDA 能识别显卡',
  'guest.cuda.noToolkit': '虚拟机中还没有 CUDA 工具包。向导会安装 CUDA {release}（只装工具包，不装其附带的驱动）。',
  'guest.cuda.tooNew': '虚拟机中的 CUDA 工具包版本为 {found}。CUDA 13 及更高版本已不再支持为 Tesla P4 这类 Pascal 显卡（计算能力 6.1）编译。向导会安装 CUDA {release}，并让 /usr/local/cuda 指向它。',
  'guest.cuda.noQuery': '无法在虚拟机中运行 deviceQuery（{path}）。',
  'guest.cuda.devices': 'deviceQuery 在虚拟机中找到 {count} 个设备（{detail}），应当恰好找到一个。',
  'guest.cuda.unexpected': 'deviceQuery 看到的是“{name}”，显存 {memory} MiB，计算能力 {cc}；但 nvidia-smi 报告的显存为 {smiMemory} MiB，这张显卡的计算能力应为 {expectedCc}。',
  'guest.cuda.ok': '使用 CUDA {release} 时，虚拟机中的 deviceQuery 识别到一个设备：{name}，显存 {memory} MiB，计算能力 {cc}。',

  'guest.action.guest-driver.title': '在虚拟机中安装 NVIDIA 驱动',
  'guest.action.guest-driver.description': '刷新虚拟机的软件包列表，从 Ubuntu 软件仓库安装用于计算的 NVIDIA 580 驱动（几百 MB，之后 DKMS 编译内核模块还需要几分钟），然后加载该模块。',
  'guest.action.guest-driver.after': '向导会检查虚拟机中的软件包、已加载的模块和 nvidia-smi。',
  'guest.action.guest-cuda.title': '在虚拟机中安装 CUDA',
  'guest.action.guest-cuda.description': '把 CUDA 12.4 安装程序下载到虚拟机中（约 4 GB），只安装工具包；驱动仍使用 Ubuntu 提供的版本。',
  'guest.action.guest-cuda.after': '向导会在虚拟机中运行 nvcc 和 deviceQuery。',
} satisfies Record<keyof typeof guestEn, string>;
