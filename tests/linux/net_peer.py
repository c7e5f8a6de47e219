#!/usr/bin/env python3
"""The host's end of the Linux network tests (tests/linux/net.exp).

  net_peer.py port                      a free TCP port on 127.0.0.1 (printed)
  net_peer.py serve PORT OUT REPLY      accept one connection on 127.0.0.1:PORT, write
                                        what it sends (until it closes its side) to OUT,
                                        answer REPLY and a newline, close; runs in the
                                        background once it listens (prints "listening")
  net_peer.py connect PORT TEXT         connect to 127.0.0.1:PORT, send TEXT and a
                                        newline, close the sending side, print the answer
  net_peer.py refused PORT              exit 0 if 127.0.0.1:PORT refuses a connection
  net_peer.py pcap FILE TEXT...         exit 0 if FILE is a pcap of Ethernet frames whose
                                        TCP payloads, joined per direction, hold each
                                        TEXT, and which has a DHCP exchange (UDP 68/67)
"""
import os
import socket
import struct
import sys


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve(port, out, reply):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(1)
    print("listening", flush=True)
    if os.fork():
        os._exit(0)             # the caller goes on; the child serves
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):        # let go of the caller's pipes (expect's exec waits on them)
        os.dup2(null, fd)
    s.settimeout(120)
    c, _ = s.accept()
    data = b""
    while True:
        d = c.recv(4096)
        if not d:
            break
        data += d
    with open(out, "wb") as f:
        f.write(data)
    c.sendall(reply.encode() + b"\n")
    c.close()


def connect(port, text):
    c = socket.create_connection(("127.0.0.1", port), timeout=60)
    c.sendall(text.encode() + b"\n")
    c.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        d = c.recv(4096)
        if not d:
            break
        data += d
    sys.stdout.write(data.decode(errors="replace"))


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=10).close()
    except ConnectionRefusedError:
        return 0
    print("127.0.0.1:%d accepted a connection" % port)
    return 1


def pcap(path, texts):
    data = open(path, "rb").read()
    magic, major, minor, _, _, snaplen, linktype = struct.unpack("<IHHiIII", data[:24])
    if magic != 0xa1b2c3d4 or (major, minor) != (2, 4) or linktype != 1:
        print("%s: not a pcap of Ethernet frames" % path)
        return 1
    off, frames, dhcp, streams = 24, 0, 0, {}
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        frames += 1
        if len(frame) < 34 or frame[12:14] != b"\x08\x00":
            continue
        ihl = (frame[14] & 15) * 4
        proto, src, dst = frame[23], frame[26:30], frame[30:34]
        total = struct.unpack(">H", frame[16:18])[0]     # without the Ethernet padding
        l4 = frame[14 + ihl:14 + total]
        if proto == 17 and len(l4) >= 4 and struct.unpack(">HH", l4[:4]) in ((68, 67), (67, 68)):
            dhcp += 1
        if proto == 6 and len(l4) >= 20:
            payload = l4[(l4[12] >> 4) * 4:]
            streams[(src, dst)] = streams.get((src, dst), b"") + payload
    print("%s: %d frames, %d DHCP" % (path, frames, dhcp))
    if dhcp < 4:
        print("no DHCP exchange (discover, offer, request, ack) in it")
        return 1
    for t in texts:
        if not any(t.encode() in s for s in streams.values()):
            print("no TCP payload holds %r" % t)
            return 1
    return 0


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "port":
        print(free_port())
    elif cmd == "serve":
        serve(int(args[0]), args[1], args[2])
    elif cmd == "connect":
        connect(int(args[0]), args[1])
    elif cmd == "refused":
        return refused(int(args[0]))
    elif cmd == "pcap":
        return pcap(args[0], args[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
