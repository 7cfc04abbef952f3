#!/bin/sh
# A throwaway PostgreSQL server for the sync tests (CTest fixture "pg").
#   pg-fixture.sh start STATE   initdb + start on 127.0.0.1 and a free port;
#                               writes STATE/url (postgresql://qc@127.0.0.1:PORT/postgres)
#   pg-fixture.sh stop STATE    stop the server and remove its data
# The data lives in a fresh temporary folder (named in STATE/dir).  initdb
# refuses to run as root, so as root the server runs as the `postgres`
# user of the Debian package (runuser); as anyone else it runs as them.
set -eu

cmd=${1:-}
state=${2:-}
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE" >&2; exit 64; }

bindir() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	return 1
}

as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "$cmd" in
start)
	if ! bindir >/dev/null; then
		# The test command installs what it uses (scripts/deps.sh).
		here=$(cd "$(dirname "$0")/../.." && pwd)
		. "$here/scripts/deps.sh"
		qc_need postgresql
	fi
	bin=$(bindir) || { echo "pg-fixture: no PostgreSQL server found" >&2; exit 69; }
	mkdir -p "$state"
	if [ -f "$state/dir" ]; then
		"$0" stop "$state" || true
		mkdir -p "$state"
	fi
	d=$(mktemp -d /tmp/qc-pg-XXXXXX)
	chmod 700 "$d"
	[ "$(id -u)" = 0 ] && chown postgres "$d"
	echo "$d" > "$state/dir"
	as_pg "$bin/initdb" -D "$d/data" -A trust -U qc -E UTF8 --no-sync >"$d/initdb.log" 2>&1 ||
		{ cat "$d/initdb.log" >&2; exit 1; }
	# A free port: try random ones until the server starts (another
	# process may take a port between any check and our bind).
	tries=0
	while :; do
		port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
		if as_pg "$bin/pg_ctl" -D "$d/data" -l "$d/log" -w -t 30 \
			-o "-k $d -c listen_addresses=127.0.0.1 -p $port -c fsync=off -c max_connections=100" \
			start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 10 ]; then
			cat "$d/log" >&2 || true
			echo "pg-fixture: the server did not start" >&2
			exit 1
		fi
	done
	echo "postgresql://qc@127.0.0.1:$port/postgres" > "$state/url"
	echo "pg-fixture: PostgreSQL on 127.0.0.1:$port, data in $d"
	;;
stop)
	[ -f "$state/dir" ] || exit 0
	d=$(cat "$state/dir")
	bin=$(bindir) || exit 0
	if [ -d "$d/data" ]; then
		as_pg "$bin/pg_ctl" -D "$d/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	case "$d" in
	/tmp/qc-pg-*) rm -rf "$d" ;;
	esac
	rm -f "$state/dir" "$state/url"
	;;
*)
	echo "usage: $0 start|stop STATE" >&2
	exit 64
	;;
esac
