// Maintainer scripts of the Debian package, written like dh_installsystemd's snippets (deb-systemd-helper for
// the enable state, deb-systemd-invoke for start/stop, which do nothing where systemd is not running) with
// two differences: a first install never starts the service (the shipped /etc/vrrpd/vrrp is disabled and the
// peers must be configured first), and an upgrade of a running daemon hands off (`vrrpd handoff`, then a
// restart): the new daemon resumes as master without a transition, as an opkg upgrade does on OpenWrt.

export const DEB_SERVICE = "vrrpd.service";

export const DEB_POSTINST = `#!/bin/sh
set -e
if [ "$1" = configure ] || [ "$1" = abort-upgrade ] || [ "$1" = abort-deconfigure ] || [ "$1" = abort-remove ]; then
	# Enabled for the next boot unless the administrator disabled it; the unit only starts once /etc/vrrpd/vrrp
	# exists, and a configuration with globals.enabled '0' exits at once.
	deb-systemd-helper unmask ${DEB_SERVICE} >/dev/null || true
	if deb-systemd-helper --quiet was-enabled ${DEB_SERVICE}; then
		deb-systemd-helper enable ${DEB_SERVICE} >/dev/null || true
	else
		deb-systemd-helper update-state ${DEB_SERVICE} >/dev/null || true
	fi
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
		# An upgrade: restart only a daemon that was running, handing its masters to the new one.
		if [ -n "$2" ] && systemctl --quiet is-active ${DEB_SERVICE}; then
			vrrpd handoff >/dev/null 2>&1 || true
			deb-systemd-invoke restart ${DEB_SERVICE} >/dev/null || true
		fi
	fi
fi
exit 0
`;

/** A removal stops the daemon the usual way: priority 0, so the backup takes over at once. */
export const DEB_PRERM = `#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
	deb-systemd-invoke stop ${DEB_SERVICE} >/dev/null || true
fi
exit 0
`;

export const DEB_POSTRM = `#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = remove ] && command -v deb-systemd-helper >/dev/null; then
	deb-systemd-helper mask ${DEB_SERVICE} >/dev/null || true
fi
if [ "$1" = purge ] && command -v deb-systemd-helper >/dev/null; then
	deb-systemd-helper purge ${DEB_SERVICE} >/dev/null || true
	deb-systemd-helper unmask ${DEB_SERVICE} >/dev/null || true
fi
exit 0
`;
