import type { routeEn } from '../en/route';

/** Linux jail 步骤里的路线选择（jail 或 bhyve 直通），以及为虚拟机预留显卡。 */
export const routeZhCN = {
  'route.passthrough.title': '在 bhyve 虚拟机中运行 CUDA',
  'route.passthrough.intro':
    '走这条路线时，FreeBSD 会在开机时让出这张卡，由 bhyve 的 ppt(4) 驱动接管；向导会创建一台名为“cuda”的 Linux 虚拟机（Ubuntu 24.04），把显卡直接交给它。每一部分在创建之前都会先给您过目，用“撤销更改”可以退回这条路线所做的改动。',
  'route.instructions': 'CUDA 使用这张卡有两条路线。请在下面选择一条：向导会根据这台机器的 CPU、固件和内存推荐其中之一，之后也可以随时改选。',
  'route.input': 'CUDA 通过哪条路线使用显卡',
  'route.choice.jail': '本机上的 Linux jail',
  'route.choice.jail.hint':
    '显卡留给 FreeBSD 及其 NVIDIA 驱动，CUDA 程序借助 Linux ABI 在 jail 中运行。FreeBSD 驱动与 linux-nvidia-libs 的版本必须一致，现在如此，每次升级后也必须如此。不需要 VT-d，也不需要预留内存。',
  'route.choice.passthrough': '把显卡直通给 Linux 虚拟机（bhyve）',
  'route.choice.passthrough.hint':
    'Linux 虚拟机直接拿到这张卡，运行 NVIDIA 官方的 Linux 驱动，所有 CUDA 程序无需改动即可运行，也不用再让 FreeBSD 驱动去对齐版本。代价是 FreeBSD 失去这张卡（主机上不能再用 nvidia-smi），虚拟机要占用自己的内存（X220 最多只能装 16 GB），并且 CPU 和 BIOS 都必须支持 VT-d。',
  'route.notChecked': '请先运行检查：能否直通显卡，要从这台机器的 CPU 和固件的 ACPI 表中读出来。',

  'route.check': '路线：这台机器能否直通显卡？',
  'route.unreadable': '向导无法读取 CPU 型号（sysctl hw.model）或 ACPI 表（acpidump -t），因此无法判断能否直通。',
  'route.possible':
    'VT-d 已开启：{cpu} 支持 VT-d，固件也提供了 DMAR 表。可以直通；本机有 {memory} GiB 内存，推荐走直通：虚拟机分到 {guest} GiB 内存并运行 NVIDIA 官方的 Linux 驱动，其余内存留给主机。',
  'route.possibleLowMemory':
    'VT-d 已开启（{cpu}，有 DMAR 表），可以直通；但本机只有 {memory} GiB 内存，分给虚拟机至少 4 GiB 后，主机剩下的不足它所需的 2 GiB，因此推荐 Linux jail。加装内存后（X220 最多 16 GB）直通就合适了。',
  'route.blocked.cpu': '无法直通：CPU（sysctl hw.model 显示为 {cpu}）不支持 VT-d，任何 BIOS 设置都无法弥补。这台机器请走 Linux jail 路线。',
  'route.blocked.bios':
    '暂时无法直通：CPU（{cpu}）支持 VT-d，但固件没有提供 DMAR 表，说明 BIOS 中的“Intel (R) VT-d Feature”处于关闭状态。除非把它打开，否则推荐 Linux jail。',
  'route.blocked.no-dmar': '无法直通：固件没有提供 DMAR 表（没有 IOMMU），向导也不知道这颗 CPU（{cpu}）是否支持 VT-d。推荐 Linux jail。',
  'route.advice.bios':
    '如果想走直通：重启并按 F1 进入 BIOS 设置，打开 Security → Virtualization，把“Intel (R) Virtualization Technology”和“Intel (R) VT-d Feature”都设为 Enabled。按 F10 保存，彻底关机后再开机，然后重新运行这些检查。',
  'route.advice.cpu': '只有换成支持 VT-d 的 CPU 才能改变这一点（X220 上为 i5-2520M、i5-2540M、i7-2620M 或 i7-2640M）。',
  'route.advice.noDmar': '请在 Intel 的规格页面上查这颗 CPU（“Intel Virtualization Technology for Directed I/O”一项）；如果支持 VT-d，就在 BIOS 设置中把它打开。',
  'route.advice.useJail': '也可以在上面改选 Linux jail：它不需要 VT-d。',

  'reserve.check': '显卡已预留给虚拟机',
  'reserve.noGpu': 'pciconf -l 没有列出 NVIDIA GPU，没有可预留的显卡。请回到“转接卡”一步检查。',
  'reserve.domain': 'GPU 位于 {selector}，不在 PCI domain 0 上，loader.conf 的 pptdevs 无法指定它。',
  'reserve.cannotEdit': '向导无法安全地编辑启动配置文件，因此不会修改它们：{detail}',
  'reserve.planned': '位于 {selector} 的显卡尚未预留。此方案会在启动时加载 vmm.ko，用 pptdevs="{entry}" 预留这张卡，并阻止主机加载 NVIDIA 驱动。',
  'reserve.advice.plan': '在“为虚拟机预留显卡”下查看改动并应用，然后重启：下次启动时 ppt(4) 会接管这张卡。',
  'reserve.waitingRestart': '/boot/loader.conf 已预留这张卡（pptdevs="{entry}"），但 pciconf -l 仍把它列为 {driver}：预留要到下次启动才生效。',
  'reserve.advice.restart': '请重启机器。重启后 pciconf -l 应把这张卡列为 pptN。',
  'reserve.ok': 'pciconf -l 把这张卡列为 {driver}@{selector}：ppt(4) 已为 bhyve 虚拟机接管它，主机的驱动不会再碰它。',
  'reserve.reason.vmm': 'vmm_load="YES"：由 loader 加载 bhyve 的内核部分 vmm.ko，其中的 ppt(4) 驱动负责接管预留的设备。',
  'reserve.reason.pptdevs': 'pptdevs="{entry}"：从下次启动起，位于 {selector}（总线/插槽/功能）的显卡留给虚拟机使用。',
  'reserve.reason.loaderDriver': '删除 {key}：显卡归虚拟机使用期间，主机不能加载 NVIDIA 驱动。',
  'reserve.reason.kldList': '从 kld_list 中删除 {module}：显卡归虚拟机使用期间，主机不能加载 NVIDIA 驱动。“撤销更改”会把它加回来。',
  'reserve.action.reserve.title': '为虚拟机预留显卡',
  'reserve.action.reserve.description': '在 /boot/loader.conf 中写入 vmm_load 和 pptdevs，并把 NVIDIA 驱动从 rc.conf 的 kld_list 中移除，两个文件都会先备份。“撤销更改”可以同时还原它们。',
  'reserve.action.reserve.after': '改动要到下次启动才生效；之后向导会提示重启。',
  'reserve.action.restart.description': '重启机器，让 ppt(4) 在启动时接管这张卡。向导会回到这一步并检查 pciconf -l。',
  'reserve.note.bootConfig': '位于 {selector} 的显卡已预留给虚拟机（/boot/loader.conf 中的 pptdevs），因此 kld_list 中不加 NVIDIA 驱动。',
} satisfies Record<keyof typeof routeEn, string>;
