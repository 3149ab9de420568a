import type { passthroughEn } from '../en/passthrough';

/** bhyve 直通路线：为虚拟机预留的显卡，以及这台机器有没有 IOMMU。 */
export const passthroughZhCN = {
  'scenario.x220-vtd': 'ThinkPad X220（i5-2520M），BIOS 中已开启 VT-d',
  'scenario.x220-no-vtd': 'ThinkPad X220（i5-2520M），BIOS 中未开启 VT-d（出厂默认）',

  'diagnosis.gpu-reserved-for-passthrough.title': '显卡已预留给虚拟机',
  'diagnosis.iommu-missing.title': '没有 IOMMU（VT-d）：无法把显卡直通给虚拟机',

  'diagnosis.gpu-reserved-for-passthrough.explanation':
    '位于 {selector} 的 GPU 由 ppt(4) 接管，设备名为 {name}：它已被预留给 bhyve（/boot/loader.conf 中的 pptdevs），因此 bhyve 可以把它交给虚拟机，本机的任何驱动都不会再接管它。这正是直通路线需要的状态，并非故障。',
  'diagnosis.gpu-reserved-for-passthrough.note':
    '如果想让本机重新使用这张卡（走 jail 路线），请从 /boot/loader.conf 的 pptdevs 中删掉它（由向导添加的预留可以用“撤销更改”移除），然后重启。',
  'diagnosis.iommu-missing.bios':
    '固件没有提供 DMAR 表，说明 VT-d 处于关闭状态。CPU（{cpu}）本身支持 VT-d，所以缺的是 BIOS 选项：ThinkPad X220 上它位于 Security → Virtualization 下的“Intel (R) VT-d Feature”。',
  'diagnosis.iommu-missing.cpu':
    'CPU（{cpu}）不支持 VT-d，因此这台机器上的 bhyve 无法把 PCI 设备直通给虚拟机。任何 BIOS 设置都改变不了这一点，只有换成支持 VT-d 的 CPU 才行（X220 上为 i5-2520M、i5-2540M、i7-2620M 或 i7-2640M）。',
  'diagnosis.iommu-missing.unknown':
    '固件没有提供 DMAR 表，说明 VT-d 处于关闭状态。原因可能是 BIOS 选项未开启，也可能是 CPU（{cpu}）不支持 VT-d：请先在 Intel 的规格页面上确认这颗 CPU，再检查 BIOS。',
  'diagnosis.iommu-missing.note': '这只影响直通路线（bhyve）。Linux jail 路线不需要 VT-d。',

  'diagnosis.fix.enable-vtd.title': '在 BIOS 中开启 VT-d',
  'diagnosis.fix.enable-vtd.instruction':
    '重启并按 F1 进入 BIOS 设置，打开 Security → Virtualization，把“Intel (R) Virtualization Technology”和“Intel (R) VT-d Feature”都设为 Enabled。按 F10 保存，然后彻底关机再开机（VT-d 的改动需要冷启动才生效）。',
  'diagnosis.fix.use-jail-route.title': '改走 Linux jail 路线',
  'diagnosis.fix.use-jail-route.instruction': 'jail 路线通过 FreeBSD 的 NVIDIA 驱动运行 CUDA，不需要 VT-d，也是本向导默认采用的路线。',
} satisfies Record<keyof typeof passthroughEn, string>;
