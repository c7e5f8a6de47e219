/* Pipes: a buffer in the kernel with a reading end and a writing end, each an open
 * file (file.h). `a | b` in the shell joins a's standard output to b's input. */
#ifndef KITE_PIPE_H
#define KITE_PIPE_H

#include <stdint.h>

struct file;
struct pipe;

/* A new pipe: *rf reads from it, *wf writes into it. 0, or -1 out of memory or files. */
int pipealloc(struct file **rf, struct file **wf);
void pipeclose(struct pipe *pi, int writable);     /* one end is closed for good */
/* From/to user memory at addr. read: waits for a byte (0 once no writer is left);
 * write: waits for room, all n bytes unless the readers are gone (then -1). */
int piperead(struct pipe *pi, uint32_t addr, int n);
int pipewrite(struct pipe *pi, uint32_t addr, int n);

#endif
