/** Realistic FreeBSD 14 configuration files of a ThinkPad X220 with an ExpressCard eGPU. */

export const LOADER_CONF = `# /boot/loader.conf: ThinkPad X220, FreeBSD 14.1-RELEASE
# Written by bsdinstall
kern.geom.label.disk_ident.enable="0"
kern.geom.label.gptid.enable="0"
cryptodev_load="YES"
zfs_load="YES"

# Boot menu
autoboot_delay="3"
beastie_disable="YES"
loader_logo="none"

# Power and thermal
cpuctl_load="YES"
coretemp_load="YES"
hw.pci.do_power_nodriver=3   # let idle devices sleep
hw.psm.synaptics_support = "1"

# ExpressCard eGPU: let the kernel give the bridge room for the GPU's BARs
hw.pci.realloc_bars=1
#hw.pci.enable_io_modes=0
hw.pci.clear_pcib="1"

# Linux ABI for the CUDA jail
linux64_load="YES"
#nvidia-modeset_load="YES"
`;

export const RC_CONF = `hostname="x220.home.arpa"
keymap="us.kbd"
ifconfig_em0="DHCP"
ifconfig_em0_ipv6="inet6 accept_rtadv"
wlans_iwn0="wlan0"
ifconfig_wlan0="WPA SYNCDHCP"
sshd_enable="YES"
ntpd_enable="YES"
ntpd_sync_on_start="YES"
powerd_enable="YES"
powerd_flags="-a hiadaptive -b adaptive"
moused_nondefault_enable="NO"
# Set dumpdev to "AUTO" to enable crash dumps, "NO" to disable
dumpdev="AUTO"
zfs_enable="YES"

# Graphics and the Linux ABI
kld_list="linux64 i915kms"   # loaded by rc.d/kld
linux_enable="YES"
dbus_enable='YES'
#nvidia_xorg_enable="YES"

# Jails
jail_enable=YES
jail_list="ubuntu cuda"
`;

export const DEVFS_RULES = `# /etc/devfs.rules: local rulesets (the defaults are in /etc/defaults/devfs.rules)

[localrules=10]
add path 'da*' mode 0660 group operator
add path 'cd*' mode 0660 group operator
add path 'video*' mode 0660 group video

# Linux jail with the NVIDIA devices
[devfsrules_jail_nvidia=61]
add include $devfsrules_hide_all
add include $devfsrules_unhide_basic
add include $devfsrules_unhide_login
# the GPU itself
add path 'nvidia*' unhide
add path nvidiactl unhide   # control device
`;

export const JAIL_CONF = `# /etc/jail.conf
exec.start = "/bin/sh /etc/rc";
exec.stop = "/bin/sh /etc/rc.shutdown";
exec.clean;
mount.devfs;
path = "/jails/$name";
host.hostname = "\${name}.x220.home.arpa";

# Ubuntu userland for CUDA, see the Linux jails page of the FreeBSD wiki
ubuntu {
\texec.start = "/bin/true";
\texec.stop = "/bin/true";
\tpersist;
\tallow.mount;
\tallow.mount.devfs;
\tallow.mount.linprocfs;
\tallow.mount.linsysfs;
\tallow.mount.tmpfs;
\tenforce_statfs = 1;
\tdevfs_ruleset = 4;
\tmount.fstab = "/jails/ubuntu/etc/fstab";
\tip4 = inherit;
\t// exec.poststart += "/usr/local/bin/nvidia-smi";
\t/* the Linux ABI reports
\t   a recent kernel */
\tlinux.osrelease = "5.15.0";
}

cuda {
    ip4.addr = 192.168.1.50, 192.168.1.51;
    exec.prestart += "logger starting cuda; sync";
    exec.prestart += 'echo "$name"';
    allow.nomount;   # no mounts in here
    mount.devfs;
}
`;
