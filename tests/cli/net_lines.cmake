# The network and shared folders on the command line (included from tests/cli/CMakeLists.txt):
# QEMU's spellings accepted, the cards and folders in the virtio slots QEMU's order gives
# (the stand-in names the DeviceID of each slot), and every mistake refused in one line.
set(share ${CMAKE_CURRENT_SOURCE_DIR})          # a directory that exists, to share
set(vfs local,path=${share},mount_tag=t0,security_model=none)

cli_accept(netdev-device "^standin: net in slot 5$"
           -- ${rvbox} -netdev user,id=n0 -device virtio-net-device,netdev=n0 ${standin_run} -nographic)
cli_accept(netdev-device-bus "^standin: net in slot 2$"
           -- ${rvbox} -netdev user,id=n0,net=10.9.0.0/16,hostfwd=tcp::26020-:22
           -device virtio-net-device,netdev=n0,bus=virtio-mmio-bus.2,mac=52:54:00:00:00:01
           ${standin_run} -nographic)
cli_accept(nic-user "^standin: net in slot 5$"
           -- ${rvbox} -nic user,model=virtio-net-device,hostfwd=udp:127.0.0.1:26021-10.0.2.15:53
           ${standin_run} -nographic)
# A disk from slot 0 up, the card and the folder from the top down.
cli_accept(nic-disk-virtfs "^standin: disk in slot 0$" "^standin: 9p in slot 4$"
           "^standin: net in slot 5$"
           -- ${rvbox} -drive file=${fx}/device-mixed.img,format=raw,snapshot=on -nic user
           -virtfs ${vfs} ${standin_run} -nographic)
cli_accept(fsdev-device "^standin: 9p in slot 3$"
           -- ${rvbox} -fsdev local,id=f0,path=${share},security_model=none,readonly=on
           -device virtio-9p-device,fsdev=f0,mount_tag=share,bus=virtio-mmio-bus.3
           ${standin_run} -nographic)
cli_accept(filter-dump "^standin: net in slot 5$"
           -- ${rvbox} -netdev user,id=n0 -device virtio-net-device,netdev=n0
           -object filter-dump,id=f0,netdev=n0,file=${CMAKE_CURRENT_BINARY_DIR}/filter-dump.pcap
           ${standin_run} -nographic)

qemu_refused(netdev-tap "-netdev tap,id=n0: rvbox has -netdev user \\(libslirp's user-mode network\\) only"
             -netdev tap,id=n0)
qemu_refused(netdev-no-id "-netdev user: needs id=ID" -netdev user)
qemu_refused(netdev-twice "a netdev with id=n0 exists already" -netdev user,id=n0 -netdev user,id=n0)
qemu_refused(netdev-unknown-id "-device virtio-net-device,netdev=n1: no -netdev with id=n1"
             -netdev user,id=n0 -device virtio-net-device,netdev=n1)
qemu_refused(netdev-shared "netdev n0 is another card's already" -netdev user,id=n0
             -device virtio-net-device,netdev=n0 -device virtio-net-device,netdev=n0)
qemu_refused(netdev-setting "-netdev user,id=n0,smb=/tmp: smb= is not supported"
             -netdev user,id=n0,smb=/tmp)
qemu_refused(netdev-ipv6 "ipv6=on: rvbox's user network is IPv4 only" -netdev user,id=n0,ipv6=on)
qemu_refused(netdev-net "net=10.0.2.0/31: want ADDRESS\\[/BITS\\] with 8 to 30 bits"
             -netdev user,id=n0,net=10.0.2.0/31)
qemu_refused(netdev-host-outside "host= is not in the network net="
             -netdev user,id=n0,host=192.168.1.1)
qemu_refused(hostfwd-spelling "hostfwd tcp:2222:22: want \\[tcp\\|udp\\]:\\[HOSTADDR\\]:HOSTPORT-\\[GUESTADDR\\]:GUESTPORT"
             -nic user,hostfwd=tcp:2222:22)
qemu_refused(hostfwd-port "hostfwd tcp::70000-:22: want" -nic user,hostfwd=tcp::70000-:22)
qemu_refused(hostfwd-protocol "hostfwd sctp::2222-:22: want" -nic user,hostfwd=sctp::2222-:22)
add_test(NAME cli.error.qemu-hostfwd-in-use COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/with_port_taken.sh
         26022 ${err} "hostfwd tcp:127.0.0.1:26022-:22: cannot listen on tcp port 127.0.0.1:26022: Address already in use"
         ${rvbox} -nic user,hostfwd=tcp::26022-:22 ${standin_args})
qemu_refused(nic-model "-nic user,model=e1000: model=e1000: rvbox's network card is virtio-net-device"
             -nic user,model=e1000)
qemu_refused(nic-tap "-nic tap: rvbox has -netdev user" -nic tap)
qemu_refused(nic-mac "mac=01:00:00:00:00:01: want a unicast address" -nic user,mac=01:00:00:00:00:01)
qemu_refused(net-legacy "-net user: the legacy -net is not supported. -nic user" -net user)
qemu_refused(net-dump-alone "--net-dump x.pcap: there is no network to capture" --net-dump x.pcap)
qemu_refused(net-dump-unwritable "/nonexistent/x.pcap: cannot write a packet capture"
             -nic user --net-dump /nonexistent/x.pcap)
qemu_refused(object-other "-object memory-backend-ram,id=m0,size=1M: rvbox knows -object filter-dump only"
             -object memory-backend-ram,id=m0,size=1M)
qemu_refused(filter-dump-netdev "filter-dump,netdev=n9: no -netdev with id=n9"
             -nic user -object filter-dump,id=f0,netdev=n9,file=x.pcap)
qemu_refused(virtfs-no-path "-virtfs local,mount_tag=t0,security_model=none: needs path=DIR"
             -virtfs local,mount_tag=t0,security_model=none)
qemu_refused(virtfs-missing-path "-virtfs path=/nonexistent/share: No such file or directory"
             -virtfs local,path=/nonexistent/share,mount_tag=t0,security_model=none)
qemu_refused(virtfs-not-dir "-virtfs path=${share}/net_lines.cmake: not a directory"
             -virtfs local,path=${share}/net_lines.cmake,mount_tag=t0,security_model=none)
qemu_refused(virtfs-no-tag "needs mount_tag=TAG" -virtfs local,path=${share},security_model=none)
qemu_refused(virtfs-no-model "needs security_model=none" -virtfs local,path=${share},mount_tag=t0)
qemu_refused(virtfs-model "security_model=mapped-xattr is not supported"
             -virtfs local,path=${share},mount_tag=t0,security_model=mapped-xattr)
qemu_refused(virtfs-proxy "rvbox shares host directories \\(local\\) only"
             -virtfs proxy,socket_fd=3,mount_tag=t0)
qemu_refused(fsdev-unknown "-device virtio-9p-device,fsdev=f9,mount_tag=t: no -fsdev with id=f9"
             -device virtio-9p-device,fsdev=f9,mount_tag=t)
qemu_refused(slots-full "no virtio slot left"
             -nic user -nic user -nic user -nic user -virtfs ${vfs} -virtfs ${vfs} -virtfs ${vfs})
qemu_refused(record-net "--record: what comes from the network and the shared folders \\(-netdev, -nic, -virtfs\\) is not recorded"
             --record ${CMAKE_CURRENT_BINARY_DIR}/net.rr -nic user)
qemu_refused(record-virtfs "--record: what comes from the network"
             --record ${CMAKE_CURRENT_BINARY_DIR}/net.rr -virtfs ${vfs})
