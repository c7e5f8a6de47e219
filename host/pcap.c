/*
 * pcap files (host/pcap.h): the 24-byte global header, then a 16-byte record header and
 * the frame's bytes for each frame, in the host's byte order (the magic number tells
 * readers which).
 */
#define _GNU_SOURCE             /* strdup under _POSIX_C_SOURCE */
#include "host/pcap.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define PCAP_MAGIC          0xa1b2c3d4u     /* microsecond time stamps */
#define PCAP_VERSION_MAJOR  2
#define PCAP_VERSION_MINOR  4
#define LINKTYPE_ETHERNET   1

struct pcap {
    int fd;
    char *path;
    uint32_t snaplen;
    uint64_t frames;
    bool failed;
};

/* All of buf, or false. */
static bool write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

struct pcap *pcap_open(const char *path, uint32_t snaplen, char *err, size_t errlen)
{
    struct pcap *p = calloc(1, sizeof *p);
    if (!p || !(p->path = strdup(path))) {
        free(p);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->snaplen = snaplen ? snaplen : PCAP_DEFAULT_SNAPLEN;
    p->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    uint32_t hdr[6] = { PCAP_MAGIC, PCAP_VERSION_MAJOR | PCAP_VERSION_MINOR << 16, 0, 0,
                        p->snaplen, LINKTYPE_ETHERNET };
    if (p->fd < 0 || !write_all(p->fd, hdr, sizeof hdr)) {
        snprintf(err, errlen, "%s: cannot write a packet capture: %s", path, strerror(errno));
        if (p->fd >= 0)
            close(p->fd);
        free(p->path);
        free(p);
        return NULL;
    }
    return p;
}

void pcap_write(struct pcap *p, const void *frame, size_t len)
{
    if (!p || p->failed)
        return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    uint32_t incl = len < p->snaplen ? (uint32_t)len : p->snaplen;
    uint32_t rec[4] = { (uint32_t)tv.tv_sec, (uint32_t)tv.tv_usec, incl, (uint32_t)len };
    uint8_t buf[sizeof rec + 2048];
    /* One write for a frame of the usual size, so that a reader never sees half. */
    if (incl <= sizeof buf - sizeof rec) {
        memcpy(buf, rec, sizeof rec);
        memcpy(buf + sizeof rec, frame, incl);
        p->failed = !write_all(p->fd, buf, sizeof rec + incl);
    } else {
        p->failed = !write_all(p->fd, rec, sizeof rec) || !write_all(p->fd, frame, incl);
    }
    if (!p->failed)
        p->frames++;
}

int pcap_close(struct pcap *p)
{
    if (!p)
        return 0;
    int rc = p->failed ? -1 : 0;
    if (close(p->fd))
        rc = -1;
    free(p->path);
    free(p);
    return rc;
}

uint64_t pcap_frames(const struct pcap *p)
{
    return p->frames;
}

const char *pcap_path(const struct pcap *p)
{
    return p->path;
}
