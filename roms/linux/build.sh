#!/usr/bin/env bash
# Builds rvbox's Linux guest images from Debian's unmodified linux-source-6.1:
#   Image              the kernel (arch/riscv/boot/Image, RV32, loads at RAM + 4 MiB)
#   initramfs.cpio.gz  /init, /bin/sh, /bin/dhcp and /bin/tcp of roms/linux/userland, on
#                      the kernel's nolibc
#   disk.img           an ext2 image of roms/linux/disk (plus a generated lines.txt)
#
# usage: roms/linux/build.sh [--defconfig] [--verbose] OUTDIR
#   (default)    rv32_defconfig + roms/linux/trimmed.config: small, no C extension
#   --defconfig  plain rv32_defconfig (RV32IMAC, EFI, SMP...; Image only, no modules)
#   --verbose    show the kernel build's output instead of logging it
# Environment: RVBOX_CACHE (default ~/.cache/rvbox) holds the unpacked source and
# the builds, keyed by a hash of everything that goes into them; RVBOX_JOBS
# (default nproc) sets make -j.
#
# The source is unpacked once per package version and never written to (the
# kernel builds with O=). A finished build leaves a stamp, so a second run with
# the same inputs only compares and copies the outputs. Never reads stdin.
set -euo pipefail
exec </dev/null

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
variant=trimmed
verbose=0
outdir=

die() { echo "build.sh: $*" >&2; exit 1; }
note() { echo "build.sh: $*"; }

while [ $# -gt 0 ]; do
	case "$1" in
	--defconfig) variant=defconfig ;;
	--verbose) verbose=1 ;;
	-h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option $1 (try --help)" ;;
	*) [ -z "$outdir" ] || die "one OUTDIR only"; outdir=$1 ;;
	esac
	shift
done
[ -n "$outdir" ] || die "usage: build.sh [--defconfig] [--verbose] OUTDIR"

cache=${RVBOX_CACHE:-$HOME/.cache/rvbox}
jobs=${RVBOX_JOBS:-$(nproc)}
tarball=/usr/src/linux-source-6.1.tar.xz
cross=riscv64-linux-gnu-
kmake_vars=(ARCH=riscv CROSS_COMPILE=$cross)
start_time=$(date +%s)

# ---------------------------------------------------------------- packages
# What the build runs: the source and cross compiler, the kernel's host tools
# (make, gcc, flex, bison, bc, perl; rsync for headers_install), cpio/gzip for
# the initramfs, mke2fs for the disk, flock for the cache lock.
packages=(linux-source-6.1 gcc-riscv64-linux-gnu make gcc libc6-dev flex bison
	bc perl rsync cpio gzip xz-utils e2fsprogs util-linux)

install_missing() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || die "missing packages: ${missing[*]} (not root, no sudo)"
		sudo="sudo -n"
	fi
	note "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		{ $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; } ||
		die "apt-get could not install ${missing[*]}"
}
install_missing

# ---------------------------------------------------------------- the keys
version_of() { dpkg-query -W -f='${Version}' "$1"; }
kversion=$(version_of linux-source-6.1)
ccversion=$(version_of gcc-riscv64-linux-gnu)/$(${cross}gcc -dumpfullversion)
hash_of() { sha256sum | cut -c1-16; }

# Reproducible builds: the kernel's build stamp is the source package's date
# (the tarball's mtime comes from the package), not the time of the build.
epoch=$(stat -c %Y "$tarball")
export KBUILD_BUILD_TIMESTAMP="$(LC_ALL=C date -u -d "@$epoch" '+%a %b %e %H:%M:%S UTC %Y')"
export KBUILD_BUILD_USER=rvbox KBUILD_BUILD_HOST=rvbox KBUILD_BUILD_VERSION=1
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=$epoch

# A recipe change that alters outputs bumps these, so old caches are not reused.
krecipe=1
urecipe=2
kkey=$({
	echo "kernel recipe $krecipe variant $variant"
	echo "linux-source-6.1 $kversion cc $ccversion"
	if [ "$variant" = trimmed ]; then cat "$here/trimmed.config"; fi
} | hash_of)
ukey=$({
	echo "userland recipe $urecipe linux-source-6.1 $kversion cc $ccversion"
	cd "$here" && find userland disk -type f | sort | while read -r f; do
		echo "$f"; cat "$f"; done
} | hash_of)

mkdir -p "$cache" "$outdir"
outdir=$(cd "$outdir" && pwd)
src=$cache/linux-source-$kversion
kdir=$cache/linux-$variant-$kkey
udir=$cache/userland-$ukey

# One build of a given key at a time (CTest or two shells may race).
lock() { exec {lockfd}>"$1.lock"; flock "$lockfd"; }

elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

# ---------------------------------------------------------------- source
unpack_source() {
	[ -f "$src/.rvbox-unpacked" ] && return 0
	lock "$src"
	[ -f "$src/.rvbox-unpacked" ] && return 0
	local t=$(date +%s)
	note "unpacking $tarball ($kversion) into $src"
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$tarball" -C "$src.tmp" --strip-components=1
	rm -rf "$src"
	mv "$src.tmp" "$src"
	touch "$src/.rvbox-unpacked"
	note "unpacked in $(elapsed "$t")"
}

# ---------------------------------------------------------------- kernel
# Every CONFIG line of the fragment must hold in the final .config; a symbol
# the fragment turns off may also be absent (its menu is gone).
check_config() {
	local config=$1 fragment=$2 bad=0 line sym got
	while read -r line; do
		[[ $line =~ CONFIG_[A-Za-z0-9_]+ ]] && sym=${BASH_REMATCH[0]}
		got=$(grep -E "^$sym=|^# $sym is not set" "$config" || true)
		[ "$line" = "$got" ] && continue
		[ -z "$got" ] && [ "${line:0:1}" = "#" ] && continue
		echo "build.sh: $fragment: wanted '$line', got '${got:-nothing}'" >&2
		bad=1
	done < <(grep -E '^(CONFIG_|# CONFIG_[A-Za-z0-9_]+ is not set)' "$fragment")
	return $bad
}

kmake() { make -C "$src" O="$kdir/build" "${kmake_vars[@]}" "$@"; }

# runs a step, into the log unless --verbose; shows the log's end on failure
logged() {
	if [ "$verbose" = 1 ]; then
		"$@"
		return
	fi
	if ! "$@" >>"$kdir/build.log" 2>&1; then
		tail -n 40 "$kdir/build.log" >&2
		die "failed: $* (whole log: $kdir/build.log)"
	fi
}

build_kernel() {
	[ -f "$kdir/stamp" ] && [ -f "$kdir/Image" ] && return 0
	mkdir -p "$kdir"
	lock "$kdir"
	[ -f "$kdir/stamp" ] && [ -f "$kdir/Image" ] && return 0
	local t=$(date +%s)
	: >"$kdir/build.log"
	note "configuring $variant kernel in $kdir/build"
	if [ "$variant" = defconfig ]; then
		logged kmake rv32_defconfig
	else
		# rv32_defconfig's own inputs (defconfig + 32-bit.config) with our
		# fragment after them, resolved as one defconfig: later lines win,
		# and every symbol none of them names takes its default. (Merging
		# onto a finished rv32_defconfig .config instead would keep its
		# =m symbols, which become =y without modules.)
		mkdir -p "$kdir/build"
		cat "$src/arch/riscv/configs/defconfig" \
			"$src/arch/riscv/configs/32-bit.config" \
			"$here/trimmed.config" >"$kdir/build/rvbox-allconfig"
		logged kmake KCONFIG_ALLCONFIG="$kdir/build/rvbox-allconfig" alldefconfig
		check_config "$kdir/build/.config" "$here/trimmed.config" ||
			die "trimmed.config does not apply cleanly to rv32_defconfig"
	fi
	note "configured in $(elapsed "$t"); building Image with -j$jobs (log: $kdir/build.log)"
	t=$(date +%s)
	logged kmake -j"$jobs" Image
	cp "$kdir/build/arch/riscv/boot/Image" "$kdir/Image"
	cp "$kdir/build/.config" "$kdir/config"
	cp "$kdir/build/System.map" "$kdir/System.map"
	echo "$kkey" >"$kdir/stamp"
	note "built Image in $(elapsed "$t")"
}

# ---------------------------------------------------------------- userland
build_userland() {
	[ -f "$udir/stamp" ] && return 0
	mkdir -p "$udir"
	lock "$udir"
	[ -f "$udir/stamp" ] && return 0
	local t=$(date +%s) p cflags
	note "building the userland and disk in $udir"
	rm -rf "$udir/bin" "$udir/disk"
	mkdir -p "$udir/bin" "$udir/disk"
	# the UAPI headers nolibc includes
	make -s -C "$src" O="$udir/kobj" ARCH=riscv \
		INSTALL_HDR_PATH="$udir/kobj/usr" headers_install >"$udir/headers.log" 2>&1 ||
		{ cat "$udir/headers.log" >&2; die "headers_install failed"; }
	cc -O2 -o "$udir/gen_init_cpio" "$src/usr/gen_init_cpio.c"
	cflags=(-march=rv32imac_zicsr_zifencei -mabi=ilp32 -static -nostdlib
		-Os -Wall -Wextra -Werror -ffreestanding -fno-stack-protector
		-fno-asynchronous-unwind-tables -fno-ident -Wl,--build-id=none -s
		-I "$src/tools/include/nolibc" -I "$udir/kobj/usr/include")
	for p in init sh dhcp tcp; do
		"${cross}gcc" "${cflags[@]}" -o "$udir/bin/$p" "$here/userland/$p.c"
	done
	# /bin/fpu uses F and D (the arithmetic; values still pass in integer registers)
	"${cross}gcc" "${cflags[@]}" -march=rv32imafdc_zicsr_zifencei -fno-math-errno \
		-o "$udir/bin/fpu" "$here/userland/fpu.c"
	touch -d "@$epoch" "$udir/bin/"*
	sed "s|@BIN@|$udir/bin|" "$here/userland/initramfs.list" >"$udir/initramfs.list"
	"$udir/gen_init_cpio" -t "$epoch" "$udir/initramfs.list" |
		gzip -9 -n >"$udir/initramfs.cpio.gz"

	# the disk: roms/linux/disk plus lines.txt, fixed owners, times and ids
	cp -r "$here/disk/." "$udir/disk/"
	seq 1 2000 >"$udir/disk/lines.txt"
	find "$udir/disk" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
	find "$udir/disk" -exec touch -h -d "@$epoch" {} +
	rm -f "$udir/disk.img"
	truncate -s 4M "$udir/disk.img"
	E2FSPROGS_FAKE_TIME=$epoch mke2fs -q -F -t ext2 -b 1024 -L rvbox \
		-U 5256424f-5800-4000-8000-000000000001 \
		-E root_owner=0:0,hash_seed=5256424f-5800-4000-8000-000000000002 \
		-d "$udir/disk" "$udir/disk.img"
	# -d copies each file's owner and change time (which touch cannot set):
	# make them root's and the epoch, whoever builds and whenever
	(cd "$udir/disk" && find . -mindepth 1 | sed 's|^\.||'; echo /; echo /lost+found) |
		sed 's|.*|sif & uid 0\nsif & gid 0\nsif & ctime @'"$epoch"'|' >"$udir/fix.debugfs"
	E2FSPROGS_FAKE_TIME=$epoch debugfs -w -f "$udir/fix.debugfs" "$udir/disk.img" \
		>"$udir/fix.log" 2>&1 || { cat "$udir/fix.log" >&2; die "debugfs failed on the disk"; }
	if grep -q -i 'error\|not found\|invalid' "$udir/fix.log"; then
		cat "$udir/fix.log" >&2
		die "debugfs could not fix the disk's owners and times"
	fi
	echo "$ukey" >"$udir/stamp"
	note "userland and disk built in $(elapsed "$t")"
}

# copies only what changed, so the outputs' times move only with their content
install_file() {
	cmp -s "$1" "$2" 2>/dev/null && return 0
	cp "$1" "$2.tmp"
	mv "$2.tmp" "$2"
	note "wrote $2 ($(stat -c %s "$2") bytes)"
}

unpack_source
build_kernel
build_userland
install_file "$kdir/Image" "$outdir/Image"
install_file "$kdir/config" "$outdir/config"
# The kernel's symbols, for tests that put a debugger's watchpoint on a kernel variable
# (caches from before it was kept still have it in their build tree).
[ -f "$kdir/System.map" ] || cp "$kdir/build/System.map" "$kdir/System.map" 2>/dev/null || true
[ -f "$kdir/System.map" ] && install_file "$kdir/System.map" "$outdir/System.map"
install_file "$udir/initramfs.cpio.gz" "$outdir/initramfs.cpio.gz"
install_file "$udir/disk.img" "$outdir/disk.img"
note "$variant images in $outdir ($(elapsed "$start_time"))"
