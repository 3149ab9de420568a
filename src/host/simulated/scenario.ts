import { z } from 'zod';

/**
 * A simulated machine, declared as data. The SimulatedHost keeps one of these as its live state and changes
 * it as commands run (packages installed, modules loaded, reboots), so a scenario is both the starting point
 * and the snapshot format.
 */

const hex = (digits: number) => z.string().regex(new RegExp(`^0x[0-9a-f]{${digits}}$`));

/** An ACPI path as FreeBSD's acpi_name() prints it: every segment padded to four characters with `_`. */
const AcpiName = z.string().regex(/^\\[A-Z0-9_]{4}(?:\.[A-Z0-9_]{4})*$/, 'not an ACPI path like \\_SB_.PCI0');

/** One line exactly as `pciconf -c` prints it: `    cap …`/`    ecap …`, continuations indented deeper. */
const CapLine = z.string().regex(/^(?: {4}e?cap |\t| {5,}\S)/, 'not a pciconf capability line');

export const PciBar = z
  .object({
    reg: hex(2),
    type: z.enum(['Memory', 'Prefetchable Memory', 'I/O Port']),
    range: z.union([z.literal(20), z.literal(32), z.literal(64)]),
    /** 0x0 for a BAR nothing was assigned to (pciconf prints it as `base 0`). */
    base: z.string().regex(/^0x[0-9a-f]+$/),
    size: z.number().int().positive(),
    enabled: z.boolean(),
  })
  .strict();
export type PciBar = z.infer<typeof PciBar>;

export const PciDevice = z
  .object({
    /** Attached driver instance (`vgapci1`), or null for none (pciconf numbers those none0, none1…). */
    driver: z.string().regex(/^[a-z][a-z0-9_]*?[0-9]+$/).nullable(),
    selector: z.string().regex(/^pci\d+:\d+:\d+:\d+$/),
    class: hex(6),
    rev: hex(2),
    hdr: hex(2),
    vendorId: hex(4),
    deviceId: hex(4),
    subvendorId: hex(4),
    subdeviceId: hex(4),
    /** What `-v` prints; null where pciconf's database has no name. */
    vendor: z.string().nullable(),
    device: z.string().nullable(),
    classDesc: z.string().nullable(),
    subclassDesc: z.string().nullable(),
    bars: z.array(PciBar),
    caps: z.array(CapLine),
    /** Behind the ExpressCard adapter: on the bus only when the eGPU was powered at the last boot. */
    egpu: z.boolean(),
    /** The capability lines while the eGPU is not enumerated (the ExpressCard root port's link goes down). */
    capsWithoutEgpu: z.array(CapLine).nullable(),
    /**
     * What the driver calls the device: the `<…>` of its dmesg attach line and its `dev.…%desc`. Null when no
     * driver attached, or when the driver sets none (ppt).
     */
    description: z.string().min(1).nullable(),
    /**
     * The ACPI node the firmware declares for the device (`\_SB_.PCI0.VID_`), which FreeBSD appends to the
     * device's `%location` as `handle=…`; null where the DSDT has none. A bridge with a handle gets an
     * "ACPI PCI bus" behind it, one without a plain "PCI bus".
     */
    acpiHandle: AcpiName.nullable(),
    /**
     * A PCI-PCI bridge's bus number registers (`dev.pcib.N.secbus`/`subbus`): the devices on its secondary
     * bus are its children. Set for type 1 headers (hdr 0x01) only.
     */
    bridge: z.object({ secondaryBus: z.number().int().min(1).max(255), subordinateBus: z.number().int().min(1).max(255) }).strict().nullable(),
    /**
     * While ppt(4) holds the device for bhyve (`pptdevs`): the driver and description it has without the
     * reservation, so a boot without it gives them back. Absent while it is not reserved.
     */
    ownDriver: z.object({ driver: z.string().regex(/^[a-z][a-z0-9_]*?[0-9]+$/).nullable(), description: z.string().min(1).nullable() }).strict().optional(),
  })
  .strict()
  .refine((d) => (d.driver === null || /^ppt\d+$/.test(d.driver)) === (d.description === null), 'a device has a description exactly when a driver that sets one (not ppt) attached')
  .refine((d) => (d.hdr === '0x01') === (d.bridge !== null), 'bus numbers belong to PCI-PCI bridges (hdr 0x01), and every bridge has them')
  .refine((d) => d.bridge === null || d.bridge.secondaryBus <= d.bridge.subordinateBus, 'a bridge\'s subordinate bus is at least its secondary bus');
export type PciDevice = z.infer<typeof PciDevice>;

/**
 * A newbus device above the PCI host bridge (nexus0, acpi0, the host bridge pcib0), as the `dev.` sysctl
 * tree shows it. The PCI part of the tree is derived from the PCI devices; pci0 attaches to pcib0.
 */
export const PlatformDevice = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*?[0-9]+$/),
    /** `%desc`, empty for a device that set none (nexus0). */
    description: z.string(),
    /** `%parent`: nexus0's is root0, which has no sysctl node of its own. */
    parent: z.string().regex(/^[a-z][a-z0-9_]*?[0-9]+$/),
    /** `%location` and `%pnpinfo` as the parent bus formats them (acpi0's children: `handle=…`, `_HID=…`). */
    location: z.string(),
    pnpinfo: z.string(),
  })
  .strict();
export type PlatformDevice = z.infer<typeof PlatformDevice>;

const ModuleFile = z.string().regex(/^[a-z0-9_-]+\.ko$/);

/** A kernel module file kldload can find (in /boot/kernel, or /boot/modules once a package put it there). */
export const KernelModule = z
  .object({
    file: ModuleFile,
    size: z.number().int().positive(),
    depends: z.array(ModuleFile),
    /** sysctl nodes the module adds while loaded. */
    sysctls: z.record(z.string(), z.string()),
    /** Kernel messages printed when it loads. */
    messages: z.array(z.string()),
  })
  .strict();
export type KernelModule = z.infer<typeof KernelModule>;

export const LoadedModule = z
  .object({
    file: z.union([z.literal('kernel'), ModuleFile]),
    size: z.number().int().positive(),
    /** References besides those of other loaded modules, which kldstat adds on top. */
    refs: z.number().int().positive(),
    /**
     * Who loaded it, which decides what a reboot brings back: `boot` modules (the kernel, devmatch) always
     * return, `loader` and `rc` ones only while loader.conf / rc.conf still ask for them, `kldload` ones never.
     */
    origin: z.enum(['boot', 'loader', 'rc', 'kldload']),
  })
  .strict();
export type LoadedModule = z.infer<typeof LoadedModule>;

export const Package = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9+._-]*$/),
    version: z.string().regex(/^\S+$/),
    origin: z.string().regex(/^[a-z0-9-]+\/\S+$/),
    comment: z.string(),
    /** Installed size in bytes. */
    flatsize: z.number().int().positive(),
    deps: z.array(z.string()),
    /** Programs it installs under /usr/local/bin. */
    programs: z.array(z.string()),
    modules: z.array(KernelModule),
    /** pkg-message lines shown after installation. */
    message: z.array(z.string()),
  })
  .strict();
export type Package = z.infer<typeof Package>;

/** Boot message lines; a block with `when` is printed only with (or only without) the eGPU on the bus. */
export const DmesgEntry = z.union([
  z.string(),
  z
    .object({
      /** With the eGPU on the bus, without it, or on the bus with its memory ranges placed / not placed. */
      when: z.enum(['egpu', 'no-egpu', 'egpu-bars-assigned', 'egpu-bars-failed']),
      lines: z.array(z.string()),
    })
    .strict(),
]);
export type DmesgEntry = z.infer<typeof DmesgEntry>;

/** A knob that makes one exact command line answer differently, e.g. to test the wizard's error paths. */
export const Failure = z
  .object({
    argv: z.array(z.string()).min(1),
    exitCode: z.number().int().min(0).max(255),
    stdout: z.string(),
    stderr: z.string(),
    durationMs: z.number().nonnegative(),
    /** How many more runs it applies to; null for every run. */
    times: z.number().int().positive().nullable(),
  })
  .strict();
export type Failure = z.infer<typeof Failure>;

/** What nvidia-smi reports once the driver has attached to the GPU. */
export const NvidiaGpu = z
  .object({
    name: z.string().min(1),
    /**
     * The last driver branch that drives this GPU (580 for Maxwell to Volta, 470 for Kepler), null while the
     * current one still does. A newer driver ignores the card with its "Legacy drivers" notice.
     */
    lastBranch: z.number().int().positive().nullable(),
    /** The PCI device the driver attaches to. */
    selector: z.string().regex(/^pci\d+:\d+:\d+:\d+$/),
    uuid: z.string().regex(/^GPU-[0-9a-f-]{36}$/),
    vbios: z.string(),
    memoryTotalMiB: z.number().int().positive(),
    memoryUsedMiB: z.number().int().nonnegative(),
    temperatureC: z.number().int(),
    powerDrawW: z.number().nonnegative(),
    powerLimitW: z.number().positive(),
    pstate: z.string().regex(/^P\d{1,2}$/),
    persistence: z.boolean(),
    utilizationPercent: z.number().int().min(0).max(100),
    /** The ECC column: "0" (ECC on, no errors) or "Off". */
    ecc: z.string(),
    clocksSmMHz: z.number().int().nonnegative(),
    clocksMaxSmMHz: z.number().int().positive(),
    throttleReasons: z.string().regex(/^0x[0-9A-Fa-f]{16}$/),
    hwThermalSlowdown: z.boolean(),
    swThermalSlowdown: z.boolean(),
    pcie: z
      .object({
        genCurrent: z.number().int().positive(),
        genMax: z.number().int().positive(),
        widthCurrent: z.number().int().positive(),
        widthMax: z.number().int().positive(),
      })
      .strict(),
  })
  .strict();
export type NvidiaGpu = z.infer<typeof NvidiaGpu>;

/** A mount the user made by hand (under a jail root, say), besides those the machine makes itself. */
export const HandMount = z.object({ device: z.string().min(1), mountPoint: z.string().startsWith('/'), type: z.string().min(1) }).strict();

/**
 * The Linux side of the machine: the one jail the wizard builds (src/jail/layout.ts) and what is inside it.
 * Absent in a scenario: nothing built yet (see linuxOf in linux.ts).
 */
/** llama.cpp's checkout in /opt/llama.cpp (the jail's or the guest's): built with CUDA or not, and how far. */
export const LlamaBuild = z
  .object({
    cuda: z.boolean(),
    /** How far the wizard's own build got: cloned, configured, built (absent: built, by hand). */
    stage: z.enum(['source', 'configured', 'built']).optional(),
  })
  .strict();
export type LlamaBuild = z.infer<typeof LlamaBuild>;

export const LinuxWorld = z
  .object({
    /** What the jail root holds: nothing, debootstrap's unfinished work (with its marker), or Ubuntu 22.04. */
    userland: z.enum(['none', 'half-built', 'complete']),
    running: z.boolean(),
    /** The /dev nodes the running jail sees, decided by the ruleset its devfs was mounted with. */
    devNodes: z.array(z.string()),
    /** The NVIDIA release whose userland (.run, no kernel module) is installed in the jail, or null. */
    nvidiaLibs: z.string().nullable(),
    /** The CUDA toolkit release in the jail's /usr/local/cuda, or null. */
    cudaToolkit: z.string().nullable(),
    /** Files fetched into the jail root (host paths). */
    downloads: z.array(z.string()),
    /** /etc/devfs.rules as the kernel loaded it (at boot, or by `service devfs restart`); null: only the defaults. */
    devfsRulesLoaded: z.string().nullable(),
    handMounts: z.array(HandMount),
    /** llama.cpp in the jail's /opt/llama.cpp: built with CUDA or not, or not there. */
    llama: LlamaBuild.nullable(),
    /** A llama.cpp program has worked the GPU since boot: nvidia-smi then reports the scenario's `underLoad`. */
    loadRan: z.boolean().optional(),
    /** Model files in the jail's /opt/models, by name, with their sizes in bytes. */
    models: z.record(z.string(), z.number().int().positive()),
    /** curl in the jail (a fresh debootstrap has none; apt-get installs it). */
    curl: z.boolean().optional(),
    aptUpdated: z.boolean().optional(),
    /** ollama in the jail's /usr/local (see tools/ollama.ts); absent or null: not installed. */
    ollama: z
      .object({
        /** The binary's release. */
        release: z.string(),
        /** The entries of /usr/local/lib/ollama. */
        libs: z.array(z.string()),
        /** The release the running server started as, and whether CUDA took the card then; null: not running. */
        server: z.object({ release: z.string(), cuda: z.boolean() }).strict().nullable(),
        /** Pulled models by tag, with their sizes. */
        models: z.record(z.string(), z.number().int().positive()),
        /** The model the server holds in memory now. */
        loaded: z.string().nullable(),
        /** Server starts so far, for the log's timestamps. */
        starts: z.number().int().nonnegative(),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();
export type LinuxWorld = z.infer<typeof LinuxWorld>;

/**
 * The passthrough route's Ubuntu 24.04 guest as the wizard changes it (src/host/simulated/guest.ts). It lives
 * on the guest's disk, so neither the host's restart nor the guest's stop loses it. Absent: the cloud image
 * as it first boots.
 */
export const UbuntuGuest = z
  .object({
    aptUpdated: z.boolean(),
    /** The version of NVIDIA's driver packages apt installed, or null. */
    driver: z.string().nullable(),
    /** The guest run (see guestRun) that installed it: later runs load the module at boot, by the card's id. */
    installedIn: z.string().nullable(),
    /** The guest run in which the module was loaded by hand (modprobe). */
    loadedIn: z.string().nullable(),
    /** Files downloaded in the guest (its paths). */
    downloads: z.array(z.string().startsWith('/')),
    /** The CUDA toolkit release in /usr/local/cuda, or null. */
    cudaToolkit: z.string().nullable(),
    /** apt's install was cut off while dpkg set the packages up: they are unpacked, not configured. */
    dpkgInterrupted: z.boolean().optional(),
    /** git, cmake and the compilers (guestAptInstallBuildTools) are installed. */
    buildTools: z.boolean().optional(),
    /** llama.cpp in the guest's /opt/llama.cpp; absent or null: not there. */
    llama: LlamaBuild.nullable().optional(),
    /** Model files in the guest's /opt/models, by name, with their sizes in bytes. */
    models: z.record(z.string(), z.number().int().positive()).optional(),
    /** A llama.cpp program has worked the GPU in the guest: nvidia-smi there then reports the scenario's `underLoad`. */
    loadRan: z.boolean().optional(),
  })
  .strict();
export type UbuntuGuest = z.infer<typeof UbuntuGuest>;

export const Scenario = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/),
    description: z.string().min(1),
    os: z
      .object({
        sysname: z.string().min(1),
        release: z.string().min(1),
        machine: z.string().min(1),
        hostname: z.string().min(1),
      })
      .strict(),
    kenv: z.record(z.string(), z.string()),
    user: z.object({ name: z.string().regex(/^[a-z_][a-z0-9_-]*$/), uid: z.number().int().nonnegative() }).strict(),
    elevation: z
      .object({
        sudo: z.enum(['absent', 'nopasswd', 'password']),
        sudoPassword: z.string().min(1).optional(),
        doas: z.enum(['absent', 'nopass', 'denied']),
      })
      .strict()
      .refine((e) => e.sudo !== 'password' || e.sudoPassword !== undefined, 'sudo "password" needs sudoPassword'),
    egpu: z
      .object({
        /** The adapter's power supply is on now. */
        powered: z.boolean(),
        /** The eGPU was powered when the machine last booted, so it is on the bus (no hot-plug here). */
        enumerated: z.boolean(),
        /**
         * Who can place the eGPU's memory ranges at boot; absent: they are exactly as its `bars` list them.
         * 'firmware': the firmware does. 'realloc': the firmware leaves them unassigned and only the kernel
         * places them, with hw.pci.realloc_bars=1. 'never': the firmware's PCI root window is too small
         * for them, realloc_bars or not (only a DSDT override or another BIOS would help).
         */
        barPlacement: z.enum(['firmware', 'realloc', 'never']).optional(),
        /** Decided at each boot from barPlacement: whether the eGPU's memory ranges got addresses. */
        barsAssigned: z.boolean().optional(),
      })
      .strict(),
    pciDevices: z.array(PciDevice),
    platformDevices: z.array(PlatformDevice),
    modules: z.array(LoadedModule),
    availableModules: z.array(KernelModule),
    packages: z.array(Package),
    repository: z.array(Package),
    files: z.record(z.string().startsWith('/'), z.string()),
    /** Owner, group and mode of files that differ from root:wheel 644. */
    fileMeta: z
      .record(
        z.string().startsWith('/'),
        z.object({ owner: z.string(), group: z.string(), mode: z.string().regex(/^[0-7]{3,4}$/) }).strict(),
      )
      .optional(),
    sysctls: z.record(z.string(), z.string()),
    dmesg: z.array(DmesgEntry),
    /** Kernel messages after the boot lines: from modules the loader brought in, then from later kldloads. */
    messages: z.object({ loader: z.array(z.string()), runtime: z.array(z.string()) }).strict(),
    failures: z.array(Failure),
    nvidia: NvidiaGpu.nullable(),
    boots: z.number().int().positive(),
    linux: LinuxWorld.optional(),
    /**
     * The ACPI tables the firmware provides, as `acpidump -t` lists them; the X220 adds DMAR only while VT-d is
     * enabled in its BIOS. Absent: a machine without ACPI tables to read.
     */
    acpiTables: z.array(z.string().regex(/^[A-Z0-9!_ ]{4}$/)).optional(),
    /** Folders made with `mkdir` that hold no file yet (vm_dir before `vm init`); others exist through their files. */
    directories: z.array(z.string().startsWith('/')).optional(),
    /** The guests bhyve runs now (vm-bhyve's `vm start`), with their bhyve process ids; a restart ends them. */
    bhyveGuests: z.array(z.object({ name: z.string().min(1), pid: z.number().int().positive() }).strict()).optional(),
    /** Inside the passthrough guest: what the wizard installed there. */
    ubuntuGuest: UbuntuGuest.optional(),
    /**
     * The host's wired network: its card's IPv4 address (DHCP gave it), the router, and the other machines that
     * answer on it. Absent: a machine with no network but its loopback.
     */
    lan: z
      .object({
        iface: z.string().regex(/^[a-z]+[0-9]+$/),
        address: z.string(),
        prefix: z.number().int().min(8).max(30),
        gateway: z.string(),
        /** `unseen`: the host has not talked to it yet, so its ARP table lacks it, but it answers pings. */
        neighbours: z.array(z.object({ address: z.string(), mac: z.string(), unseen: z.boolean().optional() }).strict()),
      })
      .strict()
      .optional(),
    /** How the GPU reads right after a sustained load (a benchmark); absent: a P4 with a working fan. */
    underLoad: NvidiaGpu.partial().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Every device off bus 0 sits on some bridge's secondary bus, or newbus could not place it.
    s.pciDevices.forEach((device, index) => {
      const bus = Number(device.selector.split(':')[1]);
      if (bus !== 0 && !s.pciDevices.some((b) => b.bridge?.secondaryBus === bus)) {
        ctx.addIssue({ code: 'custom', path: ['pciDevices', index, 'selector'], message: `no bridge has bus ${bus} as its secondary bus` });
      }
    });
  });
export type Scenario = z.infer<typeof Scenario>;

/** How tools see the machine: they describe changes in a commit instead of making them. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
export type MachineView = DeepReadonly<Scenario>;
