/* The run's snapshot file and its disks' undo layers (host/snapshots.h). */
#include "host/snapshots.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices/disk_undo.h"
#include "host/snapshot_file.h"

#define MAX_LAYERS 16

struct snapshots {
    char path[PATH_MAX];
    bool attached;
    struct layer {
        const struct blockdev *inner;
        struct disk_undo *undo;
    } layers[MAX_LAYERS];
    unsigned nlayers;
};

struct snapshots *snapshots_create(const char *dir, const char *first_disk)
{
    struct snapshots *s = calloc(1, sizeof *s);
    if (s)
        snapshot_file_default_path(dir, first_disk, s->path, sizeof s->path);
    return s;
}

void snapshots_destroy(struct snapshots *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->nlayers; i++)
        disk_undo_destroy(s->layers[i].undo);
    free(s);
}

const char *snapshots_path(const struct snapshots *s)
{
    return s->path;
}

const struct blockdev *snapshots_disk(struct snapshots *s, const struct blockdev *bd)
{
    if (bd->readonly || !bd->write)
        return bd;
    for (unsigned i = 0; i < s->nlayers; i++)
        if (s->layers[i].inner == bd)
            return disk_undo_backend(s->layers[i].undo);
    struct disk_undo *u = s->nlayers < MAX_LAYERS ? disk_undo_create(bd) : NULL;
    if (!u)
        return NULL;
    s->layers[s->nlayers++] = (struct layer){ bd, u };
    return disk_undo_backend(u);
}

int snapshots_start(struct snapshots *s, struct machine *m, const char *loadvm, char *err,
                    size_t errlen)
{
    char why[512];
    if (snapshot_file_attach(s->path, m, why, sizeof why) == 0)
        s->attached = true;
    else if (!loadvm)
        fprintf(stderr, "rvbox: snapshots: %s\n", why);
    if (!loadvm)
        return 0;
    if (!s->attached) {
        snprintf(err, errlen, "-loadvm %s: %s", loadvm, why);
        return -1;
    }
    if (snapshot_file_load(s->path, loadvm, m, why, sizeof why)) {
        snprintf(err, errlen, "-loadvm %s: %s", loadvm, why);
        return -1;
    }
    return 0;
}

/* Detached whether or not the start attached (a savevm may have since); a file that
 * could not be used at the start was said then, and is not said again. */
void snapshots_end(struct snapshots *s, struct machine *m)
{
    char why[512];
    if (s && snapshot_file_detach(s->path, m, why, sizeof why) && s->attached)
        fprintf(stderr, "rvbox: warning: snapshots: %s\n", why);
}
