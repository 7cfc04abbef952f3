# Sourced by the other scripts: install the Debian packages a step needs,
# only those that are missing (so a second run needs no network).
#   qc_need pkg...
qc_need() {
	missing=""
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing="$missing $p"
		fi
	done
	[ -z "$missing" ] && return 0
	echo "qcstation: installing$missing" >&2
	if [ "$(id -u)" != 0 ]; then
		SUDO=sudo
	else
		SUDO=
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get install -y --no-install-recommends $missing ||
		{ $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends $missing; }
}

# What building the station needs.
# labels/: libzint (symbols), libdmtx (Data Matrix decode for --verify),
# libcups2 (the CUPS transport); sync/: libcurl (client), libmicrohttpd and
# libpq (qcstation-central), zlib (gzip bodies, both sides).
QC_BUILD_DEPS="gcc make cmake pkg-config libc6-dev libsqlite3-dev libjansson-dev libinih-dev libssl-dev libncurses-dev libzbar-dev libcairo2-dev libjpeg62-turbo-dev libusb-1.0-0-dev libzint-dev libdmtx-dev libcups2-dev libcurl4-openssl-dev ca-certificates libmicrohttpd-dev libpq-dev zlib1g-dev"
# What the test suite needs on top (clang for the sanitizer build; a
# PostgreSQL server the sync tests start themselves; Node.js for the
# independent ZPL renderer, see qc_need_node).
QC_TEST_DEPS="libcmocka-dev tmux clang libclang-rt-14-dev valgrind umockdev libumockdev-dev libglib2.0-dev postgresql"

# Node.js and npm, for the ZPL oracle (npm zpl-renderer-js).  A machine that
# already has node and npm (Debian's or NodeSource's) keeps them: Debian's
# npm package conflicts with NodeSource's nodejs.
qc_need_node() {
	if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
		return 0
	fi
	qc_need nodejs npm
}
