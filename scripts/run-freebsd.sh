#!/bin/sh
# Runs the desktop app on FreeBSD with Electron from the ports (Electron publishes no FreeBSD builds):
#   pkg install electron40        # the major version package.json pins; another recent one usually works
#   scripts/run-freebsd.sh [--no-build] [--host sim:NAME]
# Builds the app (electron-vite), then starts it with the newest electronNN on PATH, or with $ELECTRON.
# Without a desktop, use browser mode instead: npm run serve
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

say() { printf 'eGPU Wizard: %s\n' "$*" >&2; }

wanted=$(sed -n 's/^ *"electron": *"[^0-9]*\([0-9][0-9]*\)\..*/\1/p' package.json)

# The newest electronNN on PATH: the ports install each major version as its own command.
find_electron() {
	best="" best_n=-1
	old_ifs=$IFS
	IFS=:
	for dir in $PATH; do
		for candidate in "$dir"/electron[0-9]*; do
			[ -x "$candidate" ] || continue
			n=${candidate##*/electron}
			case $n in *[!0-9]*) continue ;; esac
			if [ "$n" -gt "$best_n" ]; then best=$candidate best_n=$n; fi
		done
	done
	IFS=$old_ifs
	printf '%s' "$best"
}

electron=${ELECTRON:-$(find_electron)}
if [ -z "$electron" ]; then
	say "no Electron from the ports found: run \"pkg install electron${wanted}\" as root, or \"npm run serve\" for browser mode."
	exit 1
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
	say "there is no display (DISPLAY and WAYLAND_DISPLAY are unset): run \"npm run serve\" for browser mode."
	exit 1
fi
have=${electron##*/electron}
case $have in
	*[!0-9]*) ;;
	"$wanted") ;;
	*) say "using electron${have}; the app is tested with Electron ${wanted} (pkg install electron${wanted})." ;;
esac

build=yes
if [ "${1:-}" = "--no-build" ]; then
	build=no
	shift
fi
if [ "$build" = yes ]; then
	# npm's electron package has no FreeBSD binary to download; the ports' Electron runs the app instead.
	[ -d node_modules ] || ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci
	npx electron-vite build
fi
if [ ! -f out/main/index.js ]; then
	say "the app is not built (out/main/index.js is missing): run scripts/run-freebsd.sh without --no-build."
	exit 1
fi
exec "$electron" "$here" "$@"
