#!/usr/bin/env bash
# net_test.sh SCENARIO RVBOX IMAGES_DIR [RVBOX ARGS...]: boots Linux with a network card
# and shared folders and runs tests/linux/net.exp's SCENARIO, then checks on the host what
# the guest should have left: the packet capture of the exchange (net), the files the
# guest wrote and the ones it must not have touched (share, both).
set -u
scenario=$1 rvbox=$2 images=$3; shift 3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
peer="python3 $here/net_peer.py"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The folders: share/ (read-write), ro/ (readonly=on), outside/ (must stay as it is).
mkdir -p "$dir/share/sub" "$dir/ro" "$dir/outside"
echo "written on the host" >"$dir/share/host.txt"
echo "inner file" >"$dir/share/sub/inner.txt"
echo "read me only" >"$dir/ro/ro.txt"
echo "host secret" >"$dir/outside/secret.txt"
head -c 3000000 /dev/urandom >"$dir/share/big.bin"      # the guest copies it
ln -s "$dir/outside/secret.txt" "$dir/share/abs"
ln -s ../outside/secret.txt "$dir/share/rel"
ln -s ../outside "$dir/share/reldir"
$peer port >"$dir/ports" && $peer port >>"$dir/ports" && $peer port >>"$dir/ports" ||
  fail "no free ports"
read -r host_port fwd_port _ < <(tr '\n' ' ' <"$dir/ports")

base=(-kernel "$images/Image" -initrd "$images/initramfs.cpio.gz" -append console=ttyS0
      -nographic)
share=(-virtfs "local,path=$dir/share,mount_tag=hostshare,security_model=none")
case $scenario in
net)   args=(-nic "user,hostfwd=tcp::$fwd_port-:8080" --net-dump "$dir/net.pcap") ;;
share) args=("${share[@]}"
             -virtfs "local,path=$dir/ro,mount_tag=roshare,security_model=none,readonly=on") ;;
both)  args=(-netdev user,id=n0 -device virtio-net-device,netdev=n0 "${share[@]}") ;;
*)     fail "unknown scenario $scenario" ;;
esac
start=$(date +%s.%N)
expect -f "$here/net.exp" "$scenario" "$dir" "$rvbox" "${base[@]}" "${args[@]}" "$@" || exit 1
echo "  ($scenario took $(echo "$(date +%s.%N) - $start" | bc) s)"

case $scenario in
net)
  $peer pcap "$dir/net.pcap" "hello from the guest" "hello from the host" \
    "ping from the host" "hello from the guest server" || fail "the packet capture"
  ;;
share|both)
  [ "$(cat "$dir/share/guest.txt")" = "written in the guest" ] ||
    fail "share/guest.txt: '$(cat "$dir/share/guest.txt" 2>&1)'"
  [ "$(cat "$dir/outside/secret.txt")" = "host secret" ] &&
    [ "$(ls -A "$dir/outside")" = secret.txt ] || fail "outside/ changed"
  ;;
esac
if [ "$scenario" = share ]; then
  [ "$(cat "$dir/share/made/deep.txt")" = "deep in the guest" ] || fail "share/made/deep.txt"
  cmp "$dir/share/big.bin" "$dir/share/copy.bin" || fail "the guest's copy of big.bin differs"
  [ -L "$dir/share/guestlink" ] && [ "$(readlink "$dir/share/guestlink")" = /proc/version ] ||
    fail "the guest's link is not a link to /proc/version on the host"
  [ ! -e "$dir/share/sub/inner.txt" ] || fail "rm in the guest did not remove sub/inner.txt"
  [ "$(ls -A "$dir/ro")" = ro.txt ] && [ "$(cat "$dir/ro/ro.txt")" = "read me only" ] ||
    fail "the read-only folder changed"
fi
echo "ok: $scenario on the host's side"
