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
QC_BUILD_DEPS="gcc make cmake pkg-config libc6-dev libsqlite3-dev libjansson-dev libinih-dev libssl-dev libncurses-dev libzbar-dev libcairo2-dev libjpeg62-turbo-dev libusb-1.0-0-dev"
# What the test suite needs on top (clang for the sanitizer build).
QC_TEST_DEPS="libcmocka-dev libzint-dev tmux clang libclang-rt-14-dev valgrind umockdev libumockdev-dev libglib2.0-dev"
