// Maintainer scripts exactly as OpenWrt's buildroot writes them (include/package-pack.mk), so a package built
// here behaves like one built from openwrt-feed/: `postinst` and `prerm` call default_postinst/default_prerm
// from /lib/functions.sh, which run the package's /etc/uci-defaults/*, enable and start (or stop and disable)
// its /etc/init.d/* services, and source the package's own postinst-pkg/prerm-pkg. When IPKG_INSTROOT is set
// (an image being assembled) they only enable, and never run anything on the build host.

export const POSTINST = `#!/bin/sh
[ "\${IPKG_NO_SCRIPT}" = "1" ] && exit 0
[ -s \${IPKG_INSTROOT}/lib/functions.sh ] || exit 0
. \${IPKG_INSTROOT}/lib/functions.sh
default_postinst $0 $@
`;

export const PRERM = `#!/bin/sh
[ -s \${IPKG_INSTROOT}/lib/functions.sh ] || exit 0
. \${IPKG_INSTROOT}/lib/functions.sh
default_prerm $0 $@
`;

/** vrrpd: rpcd reads ACL files when it starts, so reload it for /usr/share/rpcd/acl.d/vrrpd.json. */
export const VRRPD_POSTINST_PKG = `[ -n "\${IPKG_INSTROOT}" ] || /etc/init.d/rpcd reload
`;

/**
 * vrrpd, sourced by default_prerm before it stops the service: an upgrade (opkg-lede sets PKG_UPGRADE=1 for the
 * old package's prerm, libopkg/pkg.c) hands off, so the daemon stopped next leaves mastership to the one the new
 * package's postinst starts, and the backup never takes over. A removal hands over to the backup as usual. No
 * `exit`: older functions.sh source this without a subshell, and an exit would skip stopping the service.
 */
export const VRRPD_PRERM_PKG = `[ -n "\${IPKG_INSTROOT}" ] || [ "\${PKG_UPGRADE}" != 1 ] || /usr/sbin/vrrpd handoff >/dev/null 2>&1 || true
`;

export const VRRPD_POSTRM = `#!/bin/sh
[ -n "\${IPKG_INSTROOT}" ] || /etc/init.d/rpcd reload
exit 0
`;

/** luci-app-vrrp: what luci.mk's postinst does (new menu entries, views and ACLs apply without a reboot). */
export const LUCI_POSTINST_PKG = `[ -n "\${IPKG_INSTROOT}" ] || {
	rm -f /tmp/luci-indexcache.*
	rm -rf /tmp/luci-modulecache/
	killall -HUP rpcd 2>/dev/null
	exit 0
}
`;
