import type { diagnosisEn } from '../en/diagnosis';

/** 故障排查：发现的问题、原因说明、修复办法，以及支持报告。 */
export const diagnosisZhCN = {
  'scenario.x220-error12-stubborn': 'ThinkPad X220，hw.pci.realloc_bars 也无法解决的“错误代码 12”（固件的 PCI 窗口太小）',

  'diagnosis.gpu-not-enumerated.title': 'PCI 总线上没有这块 GPU',
  'diagnosis.gpu-no-driver.title': 'GPU 没有加载 NVIDIA 驱动',
  'diagnosis.pci-window-alloc-failed.title': 'PCI 桥没能分到内存窗口',
  'diagnosis.pci-bar-alloc-failed.title': '无法分配 PCI 内存区间（BAR）',
  'diagnosis.nvidia-version-mismatch.title': 'NVIDIA 驱动与库的版本不一致',
  'diagnosis.nvidia-legacy-branch.title': '这块 GPU 需要 NVIDIA 旧版驱动分支',
  'diagnosis.nvidia-xid.title': 'GPU 报告了 Xid 错误',
  'diagnosis.link-degraded.title': 'PCI-Express 链路低于两端都支持的水平',
  'diagnosis.gpu-hot.title': 'GPU 温度过高',
  'diagnosis.msi-blacklisted.title': '消息信号中断（MSI）未启用',
  'diagnosis.cuda-cpu-fallback.title': 'llama.cpp 没有用 CUDA，而是在 CPU 上运行',

  'diagnosis.gpu-not-enumerated.explanation':
    'pciconf 列出了 {count} 个设备，其中没有 NVIDIA 的显示或 3D 控制器。开机时 Tesla P4 不在总线上：最常见的原因是转接板当时还没通电、显卡或 ExpressCard 没插到底，或者笔记本是从休眠恢复而不是冷启动。',
  'diagnosis.gpu-no-driver.none': '位于 {selector} 的 GPU 已在总线上，但没有任何驱动接管它（pciconf 显示为 noneN）。',
  'diagnosis.gpu-no-driver.notInstalled': '位于 {selector} 的 GPU 已作为 {name} 出现在总线上；尚未安装 NVIDIA 驱动包（驱动步骤会安装它）。',
  'diagnosis.gpu-no-driver.notLoaded': '位于 {selector} 的 GPU 已作为 {name} 出现在总线上，但 NVIDIA 内核模块（nvidia.ko）没有加载。',
  'diagnosis.gpu-no-driver.notAttached': 'nvidia.ko 已加载，但没有接管位于 {selector} 的 GPU（{name} 下面没有 nvidia 设备）。',
  'diagnosis.gpu-no-driver.smi': 'nvidia-smi 无法与 NVIDIA 驱动通信，说明位于 {selector} 的 GPU 上没有驱动在工作。',
  'diagnosis.pci-window-alloc-failed.above':
    '桥 {bridge} 位于 {gpu} 处 GPU 的上游，它没能拿到固件分配给它的内存窗口（{windows}）。没有这个窗口，GPU 的内存区间就无处安放——这就是 Windows 里所说的“错误代码 12”。',
  'diagnosis.pci-window-alloc-failed.aboveRecovered':
    'GPU（{gpu}）上游的桥 {bridge} 没能保住固件给的窗口（{windows}），但内核另外找到了空间，GPU 的内存区间仍已分配。若 GPU 工作异常，请留意这一点。',
  'diagnosis.pci-window-alloc-failed.elsewhere':
    '桥 {devices} 上有 {count} 次窗口分配失败，但它们不在 NVIDIA GPU 的上游（或只涉及 GPU 内存用不到的 I/O 端口窗口），与 GPU 的问题无关。',
  'diagnosis.pci-window-alloc-failed.unknown':
    '桥 {devices} 没能分到内存窗口。仅凭这些输出无法判断 GPU 是否在它们下游；如果在，这就是“错误代码 12”问题。',
  'diagnosis.pci-bar-alloc-failed.gpu':
    '位于 {selector} 的 GPU 已在总线上，但它的内存区间 {bars} 没有分到地址。没有这些区间驱动就无法使用 GPU（Windows 显示为“错误代码 12”）。通常是固件给 PCI 预留的内存空间装不下这块卡。',
  'diagnosis.pci-bar-alloc-failed.gpu.reallocInForce':
    '位于 {selector} 的 GPU 已在总线上，但即使 hw.pci.realloc_bars=1 已经生效，它的内存区间 {bars} 仍没有分到地址：内核重新尝试分配，却找不到足够的空间。',
  'diagnosis.pci-bar-alloc-failed.elsewhere': '{devices} 有 {count} 个内存区间未能分配。那不是 NVIDIA GPU，与 GPU 的问题无关。',
  'diagnosis.pci-bar-alloc-failed.unknown':
    '{devices} 有 {count} 个内存区间未能分配。仅凭这些输出无法判断是哪台设备；如果是 GPU，这就是“错误代码 12”问题。',
  'diagnosis.nvidia-version-mismatch.versions':
    'NVIDIA 用户态库（版本 {client}）与已加载的内核模块（版本 {kernel}）版本不同，驱动因此拒绝所有请求。',
  'diagnosis.nvidia-version-mismatch.smi': 'nvidia-smi 报告驱动与库版本不一致：已加载的内核模块和 NVIDIA 库不是同一版本。',
  'diagnosis.nvidia-legacy-branch.explanation': '驱动 {driver} 忽略了 {gpu}：NVIDIA 只在 {branch}.xx 旧版分支中支持这块 GPU。',
  'diagnosis.link-degraded.slow':
    'GPU 链路以 {gts} GT/s、{width} 条通道完成训练，而 GPU 和端口 {port} 都支持 {possible} GT/s：实际约 {mbps} MB/s，本可达到 {possibleMbps} MB/s。',
  'diagnosis.link-degraded.narrow':
    'GPU 链路只用了 {width} 条通道，而 GPU 和端口 {port} 都支持 {possible} 条：实际约 {mbps} MB/s，本可达到 {possibleMbps} MB/s。',
  'diagnosis.link-degraded.note.idle': '空闲的 GPU 可能为省电而降低链路速率。请在 GPU 忙碌时再检查一次，再决定是否动手。',
  'diagnosis.gpu-hot.explanation':
    '{gpu} 当前 {celsius} °C。显卡过热时会自动降频，接近 {limit} °C 时会关机；被动散热的 P4 需要有风顺着散热片吹过。',
  'diagnosis.msi-blacklisted.disabled': 'MSI 已被关闭（{tunables} = 0），GPU 只能与其他设备共用传统中断线。',
  'diagnosis.msi-blacklisted.chipset':
    '这台机器上没有任何设备具备 PCI-Express 或 PCI-X 能力，FreeBSD 因此认为芯片组无法可靠投递 MSI，改用传统中断（见 hw.pci.honor_msi_blacklist）。',
  'diagnosis.cuda-cpu-fallback.explanation':
    'llama.cpp 没有使用 GPU：它没找到可用的 CUDA 设备，或者编译时没有启用 CUDA。生成在 CPU 上进行，速度会慢很多倍。',
  'diagnosis.gpu-not-enumerated.unread':
    'pciconf 的输出里有 {count} 行提到了 NVIDIA，但向导读不懂（已列在证据中）：这块卡可能其实已在总线上。请自行核对这几行，并在提交问题报告时附上完整输出。',
  'diagnosis.nvidia-xid.note': 'Xid {code}：这是 NVIDIA 的错误编号，每出现一次，驱动都会在内核消息里记录一次。',

  'diagnosis.xid.8': 'Xid 8（{count} 次，{pci}）：GPU 停止处理，驱动判定某个通道超时。通常是应用程序的问题；若反复出现，请检查供电和温度。',
  'diagnosis.xid.13': 'Xid 13（{count} 次，{pci}）：图形引擎异常。几乎总是应用程序的缺陷或非法操作，而不是硬件损坏。',
  'diagnosis.xid.31': 'Xid 31（{count} 次，{pci}）：GPU 内存页错误。某个应用访问了不属于它的内存，通常是应用或驱动的缺陷。',
  'diagnosis.xid.32': 'Xid 32（{count} 次，{pci}）：命令流无效或已损坏。常见原因是 PCI-Express 链路或系统内存出了问题：请检查线缆、插接和电源。',
  'diagnosis.xid.38': 'Xid 38（{count} 次，{pci}）：驱动固件错误。请更新驱动；若仍然出现，显卡可能有故障。',
  'diagnosis.xid.43': 'Xid 43（{count} 次，{pci}）：GPU 停止处理某个应用的任务，该应用的通道已被重置。通常是应用程序的问题。',
  'diagnosis.xid.45': 'Xid 45（{count} 次，{pci}）：驱动在之前的错误或应用被终止之后做了清理。请查看它之前的那条 Xid。',
  'diagnosis.xid.48': 'Xid 48（{count} 次，{pci}）：双比特 ECC 内存错误，显存返回了无法纠正的数据。请重启机器；若再次出现，说明显存正在损坏。',
  'diagnosis.xid.61': 'Xid 61（{count} 次，{pci}）：内部微控制器触发断点。属于驱动或固件问题，请更新驱动。',
  'diagnosis.xid.62': 'Xid 62（{count} 次，{pci}）：内部微控制器停机。常由过热或驱动问题引起：先检查散热，再更新驱动。',
  'diagnosis.xid.63': 'Xid 63（{count} 次，{pci}）：因 ECC 错误停用了一个显存页。仅供参考；数量很多说明显存正在老化。',
  'diagnosis.xid.64': 'Xid 64（{count} 次，{pci}）：停用故障显存页失败，显卡的显存正在损坏。',
  'diagnosis.xid.69': 'Xid 69（{count} 次，{pci}）：图形引擎类错误。通常是应用或驱动的缺陷；若反复出现，请更新驱动。',
  'diagnosis.xid.74': 'Xid 74（{count} 次，{pci}）：NVLink 错误。Tesla P4 没有 NVLink；其他显卡请检查 NVLink 桥。',
  'diagnosis.xid.79': 'Xid 79（{count} 次，{pci}）：GPU 从总线上掉线，PCI-Express 链路中断。对外接显卡来说，几乎总是供电（电源功率不足或被关掉）、ExpressCard 或线缆松动，或者过热。',
  'diagnosis.xid.92': 'Xid 92（{count} 次，{pci}）：单比特 ECC 错误频率过高。错误已被纠正，但显存可能在退化。',
  'diagnosis.xid.94': 'Xid 94（{count} 次，{pci}）：已隔离的 ECC 错误。受影响的应用已被停止，重新启动它即可，其他应用不受影响。',
  'diagnosis.xid.95': 'Xid 95（{count} 次，{pci}）：未能隔离的 ECC 错误。必须重置 GPU：请重启机器。',
  'diagnosis.xid.109': 'Xid 109（{count} 次，{pci}）：上下文切换超时。通常是应用程序的问题；若反复出现，请检查温度和供电。',
  'diagnosis.xid.119': 'Xid 119（{count} 次，{pci}）：GSP 固件未能及时响应。请更新驱动，并重启机器恢复。',
  'diagnosis.xid.120': 'Xid 120（{count} 次，{pci}）：GSP 固件错误。请更新驱动，并重启机器恢复。',
  'diagnosis.xid.unknown': 'Xid {code}（{count} 次，{pci}）：向导无法解释这个错误。请在 NVIDIA 的“XID Errors”文档中查找这个编号。',

  'diagnosis.error12.note.windows':
    'GPU 的内存区间必须装进它上游每一个桥的窗口里，而这些窗口又必须落在固件预留的 PCI 内存空间之内。8 GB 显卡需要的空间，超过了 X220 固件给 ExpressCard 插槽留下的。',
  'diagnosis.error12.note.rootWindow': '既然重新分配也无济于事，说明固件声明的 PCI 内存空间（ACPI 表里根桥的窗口）对这块卡来说太小了。',
  'diagnosis.error12.note.wizardCannot':
    '向导无法独自解决这个问题。剩下的办法是覆盖 ACPI 表（DSDT）——需要你亲手准备——或者刷修改版 BIOS。下面分别说明这两种做法及其风险。',
  'diagnosis.error12.note.needPciconf': '请附上 pciconf -lvbc 的输出，才能看出哪个设备位于哪个桥下游。',

  'diagnosis.fix.power-first.title': '先给转接板通电，再开笔记本',
  'diagnosis.fix.power-first.instruction':
    '插好 GPU、接好 ExpressCard 线缆，先打开转接板的 12 V 电源，再打开笔记本（冷启动，不要从休眠恢复）。固件只会为开机时看到的设备划分插槽的内存窗口。',
  'diagnosis.fix.realloc-bars.title': '让 FreeBSD 重新分配内存区间（hw.pci.realloc_bars=1）',
  'diagnosis.fix.realloc-bars.instruction':
    '在 /boot/loader.conf 中加入 hw.pci.realloc_bars=1：下次启动时，内核会为固件没有分配地址的内存区间重新分配。向导会先展示改动再写入，重启后生效。',
  'diagnosis.fix.free-address-space.title': '在 BIOS 设置里腾出 PCI 地址空间',
  'diagnosis.fix.free-address-space.instruction':
    '进入 BIOS 设置（开机按 F1），关闭用不到的设备，例如在 Security → I/O Port Access 下关闭读卡器、调制解调器或 WWAN 卡、摄像头、指纹识别器。每关一个都能还回一点 PCI 内存；只有缺口不大时才有用。',
  'diagnosis.fix.dsdt-override.title': '用 ACPI DSDT 覆盖扩大 PCI 根窗口',
  'diagnosis.fix.dsdt-override.instruction':
    '表由你来准备，向导负责加载。先导出固件的表（acpidump -dt > dsdt.asl），扩大 \\_SB.PCI0 的 _CRS 中的内存范围（PCI 空洞对应的 DWordMemory 或 QWordMemory 项），用 iasl 编译后把结果复制到 {file}。之后向导可以在 /boot/loader.conf 中加入 acpi_dsdt_load="YES" 和 acpi_dsdt_name="{file}"。向导无法替你编写、检查或测试这张表。',
  'diagnosis.fix.dsdt-override.risk':
    '表写错了可能导致笔记本无法启动，或者电源管理、睡眠和电池读数失灵。重启前请先确认如何绕过它启动：在引导加载器提示符下输入“disable-module acpi_dsdt”，再输入“boot”；或者从救援系统撤销 loader.conf 的改动。',
  'diagnosis.fix.modified-bios.title': '最后的办法：修改版 BIOS',
  'diagnosis.fix.modified-bios.instruction':
    '社区修改的 X220 BIOS 可以改变固件预留的 PCI 内存空间。只有在上面所有办法都无效时才考虑，而且要来自可信的来源、与你的型号完全匹配。',
  'diagnosis.fix.modified-bios.risk':
    '刷写失败或刷错会让笔记本无法开机，恢复可能需要 SPI 编程器并拆机。这样做会失去保修，来源不可信的镜像还可能带有恶意代码。',
  'diagnosis.fix.reseat.title': '重新插好显卡和 ExpressCard',
  'diagnosis.fix.reseat.instruction':
    '全部断电后，把 ExpressCard 完全推入插槽（靠右对齐，装上垫片），把 GPU 牢牢插进转接板的 x16 插槽，然后先给转接板通电，再开笔记本。',
  'diagnosis.fix.cold-boot.title': '冷启动，不要从休眠恢复',
  'diagnosis.fix.cold-boot.instruction': '在转接板已通电的情况下，把笔记本完全关机后再开机。总线只在启动时扫描，之后才通电的 GPU 不会被发现。',
  'diagnosis.fix.cable.title': '检查线缆',
  'diagnosis.fix.cable.instruction': '使用转接板附带的短线，远离电源，并确认两端都插到底。线缆质量差会让链路以更低的速率或更少的通道完成训练。',
  'diagnosis.fix.cooling.title': '给显卡散热',
  'diagnosis.fix.cooling.instruction': 'Tesla P4 自身没有风扇：请装一个顺着散热片吹风的风扇，保持进风口畅通，然后在负载下再检查温度。',
  'diagnosis.fix.reboot-after-upgrade.title': '升级驱动后重启',
  'diagnosis.fix.reboot-after-upgrade.instruction': '升级 NVIDIA 软件包后，旧的内核模块会一直留在内存中，直到下次启动。请重启机器，让新模块加载。',
  'diagnosis.fix.matching-packages.title': '安装版本一致的驱动包',
  'diagnosis.fix.matching-packages.instruction': 'nvidia-driver 与 jail 中使用的 Linux 库（linux-nvidia-libs）必须是同一版本。请用 pkg 同时升级两者，然后重启。',
  'diagnosis.fix.legacy-driver.title': '安装旧版驱动分支',
  'diagnosis.fix.legacy-driver.instruction': '卸载当前驱动，安装 {branch} 分支（pkg install nvidia-driver-{branch}），然后重启。较新的 CUDA 版本可能不再支持这块 GPU。',
  'diagnosis.fix.install-driver.title': '安装 NVIDIA 驱动',
  'diagnosis.fix.install-driver.instruction': '用 pkg 安装仍支持这块卡的驱动分支及配套的 linux-nvidia-libs（Tesla P4 应装 nvidia-driver-580，而不是最新的 nvidia-driver）；向导的驱动步骤会替你选好并安装。',
  'diagnosis.fix.load-driver.title': '开机时加载驱动',
  'diagnosis.fix.load-driver.instruction': '在 /etc/rc.conf 的 kld_list 中加入 nvidia-modeset（向导会提出这项修改），然后重启，或运行 kldload nvidia-modeset。',
  'diagnosis.fix.enable-msi.title': '重新启用 MSI',
  'diagnosis.fix.enable-msi.instruction': '如果不是为了规避某个具体问题，请从 /boot/loader.conf 删除 hw.pci.enable_msi=0 和 hw.pci.enable_msix=0，然后重启。',
  'diagnosis.fix.cuda-build.title': '使用带 CUDA 的 llama.cpp',
  'diagnosis.fix.cuda-build.instruction': '在 Linux jail 中编译或安装带 CUDA 后端的 llama.cpp，并在启动时指定 GPU 层数（-ngl）。',
  'diagnosis.fix.jail-devices.title': '让 jail 能访问 NVIDIA 设备',
  'diagnosis.fix.jail-devices.instruction': 'jail 必须能看到 /dev/nvidia0、/dev/nvidiactl 和 /dev/nvidia-uvm（通过 devfs 规则），其中的 Linux 库版本也必须与宿主机驱动一致。',

  'diagnosis.plan.dsdt.reason': '加载手工准备的 ACPI 表 {file}，以扩大 PCI 根窗口',

  'diagnosis.report.title': 'eGPU Wizard 支持报告',
  'diagnosis.report.redacted': '序列号、MAC 地址、UUID、主机名和用户名均已替换为 [serial-1] 之类的占位符。',
  'diagnosis.report.findings': '发现的问题',
  'diagnosis.report.noFindings': '在收集到的输出中没有发现问题。',
  'diagnosis.report.steps': '向导步骤',
  'diagnosis.report.audit': '向导执行过的命令',
  'diagnosis.report.outputs': '原始输出',
  'diagnosis.report.unreadable': '无法读取的输出',
  'diagnosis.report.evidence': '证据',
  'diagnosis.report.fixes': '按顺序尝试的办法',
  'diagnosis.report.inForce': '已生效',
  'diagnosis.report.risk': '风险',
} satisfies Record<keyof typeof diagnosisEn, string>;
