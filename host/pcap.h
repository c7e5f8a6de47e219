/*
 * A packet capture file in the classic pcap format (what tcpdump -r and Wireshark read):
 * Ethernet frames (LINKTYPE_ETHERNET), each with the host's time of day in microseconds,
 * cut to `snaplen` bytes as tcpdump -s does. For -object filter-dump and --net-dump.
 */
#ifndef RVBOX_PCAP_H
#define RVBOX_PCAP_H

#include <stddef.h>
#include <stdint.h>

#define PCAP_DEFAULT_SNAPLEN 65536u     /* QEMU's filter-dump maxlen */

struct pcap;

/* Creates (or truncates) the file and writes its header. NULL with a reason in err. */
struct pcap *pcap_open(const char *path, uint32_t snaplen, char *err, size_t errlen);

/* One frame, written through at once (a run killed later keeps what it captured). A
 * write that fails is remembered and stops the capture; pcap_close reports it. */
void pcap_write(struct pcap *p, const void *frame, size_t len);

/* 0, or -1 if any write failed. NULL is fine. */
int pcap_close(struct pcap *p);

/* Frames written so far. */
uint64_t pcap_frames(const struct pcap *p);

const char *pcap_path(const struct pcap *p);

#endif
