import type { bhyveEn } from '../en/bhyve';

/** 直通路线中由 vm-bhyve 管理的虚拟机。 */
export const bhyveZhCN = {
  'bhyve.memory.too-little':
    '这台机器装有 {installed} GB 内存。获得 GPU 的虚拟机在运行期间要独占它的全部内存，FreeBSD 自身还需保留 2 GB，因此直通至少需要 {needed} GB 内存。X220 最多可装 {max} GB（两条 8 GB 内存）；在加装内存之前，可以选择不需要额外内存的 Linux jail 路线。',
  'vm.unreadable': '向导无法读取 {what}，因此无法判断虚拟机已搭建到哪一步。命令的输出见下方。',

  'vm.check.bhyve': '虚拟机：已安装 vm-bhyve',
  'vm.bhyve.ok': '已安装 {packages}：vm-bhyve 管理虚拟机，bhyve-firmware 以 UEFI 方式启动它，qemu-img 把 Ubuntu 云镜像写入它的磁盘。',
  'vm.bhyve.missing': '尚未安装：{packages}。虚拟机需要 vm-bhyve（负责管理）、bhyve-firmware（Ubuntu 云镜像启动所需的 UEFI 固件）和 qemu-tools（其中的 qemu-img 把镜像写入虚拟机磁盘）。',
  'vm.bhyve.advice': '点击下方“安装 vm-bhyve”安装（约 40 MB）。即使关闭向导，pkg 也会在主机上继续运行。',

  'vm.check.host': '虚拟机：已在 {dir} 中配置 vm-bhyve',
  'vm.host.ok': 'rc.conf 已启用 vm-bhyve，虚拟机存放在 {dir}，并在开机时启动“{name}”；vm init 也已初始化 {dir}（{file} 已存在）。',
  'vm.host.planned': 'rc.conf 尚未启用 vm-bhyve、未把虚拟机目录设为 {dir}，或未设置开机启动“{name}”。修改之后，向导会创建 {dir} 并运行 vm init。',
  'vm.host.notInitialised': 'rc.conf 已就绪，但 vm init 还没有初始化 {dir}（缺少 {file}）。',
  'vm.reason.vmEnable': 'vm_enable="YES"：启用 vm-bhyve 的 rc 脚本，虚拟机现在和以后每次开机都能启动。',
  'vm.reason.vmDir': 'vm_dir="{dir}"：vm-bhyve 存放设置、模板、镜像和虚拟机磁盘的位置。这是普通目录，UFS 和 ZFS 上都可用。',
  'vm.reason.vmList': '把“{name}”加入 vm_list：每次开机、ppt(4) 接管显卡之后自动启动该虚拟机。“撤销更改”会取消自动启动。',

  'vm.check.template': '虚拟机：模板与 SSH 密钥',
  'vm.template.later': '待 vm init 创建 {dir}/.templates 后再写入。',
  'vm.template.noKey': '向导无法在其数据目录中生成或读取用于虚拟机的 SSH 密钥。请确认该目录可写，然后重新运行检查。',
  'vm.template.ok': '模板 {template} 把位于 {selector} 的显卡交给虚拟机（passthru0="{entry}"），从已装的 {installed} GiB 内存中固定分配 {memory} GiB，并带有向导的 SSH 公钥。',
  'vm.template.planned': '虚拟机模板尚不存在（或内容不同）：位于 {selector} 的显卡作为 passthru0="{entry}"，从已装的 {installed} GiB 内存中固定分配 {memory} GiB，UEFI 启动，并通过 cloud-init 写入向导的 SSH 公钥。',
  'vm.template.advice.key': 'SSH 密钥对是在运行向导的机器上生成的，保存在向导的数据目录中；写入主机的只有公钥。',
  'vm.reason.template': '虚拟机获得 GPU（passthru0="{entry}"，即位于 {selector} 的显卡）、为其固定的 {memory} GiB 内存、{cpus} 个虚拟 CPU、接在交换机“{switch}”上的网卡，并通过 UEFI 启动 Ubuntu。',
  'vm.reason.key': '向导的 SSH 公钥：vm create 把它交给 cloud-init，由 cloud-init 写入虚拟机用户的 authorized_keys。私钥始终留在向导的数据目录中。',

  'vm.check.network': '虚拟机：通过有线网口联网',
  'vm.network.later': '待 vm init 运行后再配置。',
  'vm.network.ok': '虚拟交换机“{switch}”已桥接到 {iface}（pciconf 显示的有线以太网口）：虚拟机会像网络中其他电脑一样获得地址。',
  'vm.network.planned': '虚拟机的网卡需要把虚拟交换机“{switch}”桥接到 {iface}，即 pciconf 显示的有线以太网口。',
  'vm.network.wifiOnly': 'pciconf 只显示带驱动的 Wi-Fi 网卡（{wifi}），没有有线以太网口。虚拟交换机无法桥接到 Wi-Fi：无线接入点只接受笔记本自身的地址，不接受虚拟机的地址。',
  'vm.network.none': 'pciconf 没有显示任何带驱动的网卡，虚拟机的交换机无处桥接。',
  'vm.network.advice.plugIn': '请使用有线以太网口：X220 上是 Intel 网卡 em0。如果 pciconf 没有列出它或它没有驱动，请加载驱动（if_em 已包含在 GENERIC 内核中），插上网线，然后重新运行检查。',

  'vm.check.guest': '虚拟机：已创建',
  'vm.guest.later': '配置好 vm-bhyve 之后再创建虚拟机“{name}”。',
  'vm.guest.noTemplate': '写入模板 {template} 和 SSH 密钥之后再创建虚拟机“{name}”。',
  'vm.guest.ok': 'vm list 显示了虚拟机“{name}”（{cpus} 个 CPU，{memory} 内存），由 Ubuntu {release} 云镜像创建。',
  'vm.guest.missing': '虚拟机“{name}”尚不存在。向导会下载 Ubuntu {release} 云镜像（{image}，约 600 MB），再用模板和 SSH 密钥据此创建虚拟机。',
  'vm.guest.missingHaveImage': '虚拟机“{name}”尚不存在。Ubuntu {release} 云镜像已下载，向导会用模板和 SSH 密钥据此创建虚拟机。',

  'vm.check.running': '虚拟机：已带显卡运行',
  'vm.running.later': '虚拟机“{name}”创建后再启动。',
  'vm.running.ok': 'vm list 显示“{name}”正在运行（bhyve 进程 {pid}），显卡已直通给它。以后每次开机都会自动启动。',
  'vm.running.stopped': '虚拟机“{name}”已存在，但没有运行。',
  'vm.running.fatal': '虚拟机“{name}”已启动，但随即退出。其日志 {log} 写道：“{line}”',
  'vm.fatal.notReserved': '这表示 ppt(4) 没有接管显卡，bhyve 无法把它交给虚拟机。请查看上方“显卡已预留给虚拟机”：/boot/loader.conf 中的 pptdevs，以及重启。然后再次启动虚拟机。',
  'vm.fatal.noIommu': '这表示 bhyve 没有找到 IOMMU（VT-d）。请在 BIOS 设置（Security → Virtualization）中开启“Intel (R) VT-d Feature”，彻底关机后再开机，然后重新运行检查。',
  'vm.fatal.memory': '这表示 bhyve 无法为虚拟机固定内存。请关闭主机上占用大量内存的程序，或减少分给虚拟机的内存，然后再次启动。',
  'vm.fatal.other': '向导不认识这条消息。完整日志位于主机上的 {log}；“故障排查”可以保存一份报告，便于在论坛求助。',

  'vm.action.vm-bhyve.title': '安装 vm-bhyve',
  'vm.action.vm-bhyve.description': '用 pkg 安装 vm-bhyve、bhyve-firmware 和 qemu-tools。即使关闭向导也会在主机上继续运行；进度条按 pkg 自己的进度显示。',
  'vm.action.vm-bhyve.after': '向导会再次检查这些软件包。',
  'vm.action.vm-host.title': '配置 vm-bhyve',
  'vm.action.vm-host.description': '写入所示的 rc.conf 行（并做备份），然后创建 /vm 并运行 vm init。',
  'vm.action.vm-host.after': '接下来可以写入虚拟机的模板和密钥。',
  'vm.action.vm-template.title': '写入虚拟机模板和 SSH 密钥',
  'vm.action.vm-template.description': '写入所示的 vm-bhyve 模板和公钥；若文件已存在，会先备份。',
  'vm.action.vm-template.after': '此时还不运行任何东西：稍后由这些文件创建虚拟机。',
  'vm.action.vm-network.title': '把虚拟机接入网络',
  'vm.action.vm-network.description': '创建 vm-bhyve 的虚拟交换机，并把它桥接到有线网口。',
  'vm.action.vm-network.after': '主机自身的网络照常工作；桥接只是把虚拟机也接入进来。',
  'vm.action.vm-guest.title': '创建虚拟机',
  'vm.action.vm-guest.description': '下载 Ubuntu 云镜像（约 600 MB），并据此创建虚拟机：qemu-img 把镜像写入 40 GB 的磁盘。两者即使关闭向导也会在主机上继续运行；在 X220 上需要几分钟。',
  'vm.action.vm-guest.after': '虚拟机已创建，但尚未启动。',
  'vm.action.vm-running.title': '启动虚拟机',
  'vm.action.vm-running.description': '在后台启动虚拟机，并把显卡直通给它。',
  'vm.action.vm-running.after': '向导会读取 vm list；如果虚拟机停止了，还会读取它的日志。',
  'model.guest.check': '直通路线：第一个模型在虚拟机内运行',
  'model.guest.running':
    '你选择了显卡直通：Linux 虚拟机“{name}”已带着显卡运行（vm list 显示 bhyve 进程 {pid}），其中装有 Ubuntu {release}，用户 {user} 已配置好向导的 SSH 密钥。第一个模型应在这台虚拟机里运行，而不是在主机的 jail 中，因此 jail 的各项检查在这里不适用。',
  'model.guest.notYet':
    '向导目前还不能在虚拟机里完成以下工作：通过 SSH 连接虚拟机、在其中安装 NVIDIA 580 驱动、用 nvidia-smi 验证显卡，以及在其中构建并测量 llama.cpp 或 ollama。向导的后续版本会完成这些步骤。',
  'model.guest.byHand':
    '在此之前，你可以手动继续：虚拟机从你的网络获取地址（多数路由器会以“{name}”这个名字列出它）；用 ssh -i <向导数据目录>/{key} {user}@<该地址> 登录，安装 nvidia-driver-580-server 软件包，重启虚拟机后运行 nvidia-smi。',
  'model.guest.notRunning': '你选择了显卡直通，但 vm list 没有显示虚拟机“{name}”正在运行，因此暂时没有地方运行第一个模型。',
  'model.guest.advice.back': '请回到“带 CUDA 的 Linux jail”步骤：其中的虚拟机检查会指出缺少哪一部分，并提供创建或启动它的操作。',
} satisfies Record<keyof typeof bhyveEn, string>;
