/* Replace the current process's program with the ELF file at `path`. */
#ifndef KITE_EXEC_H
#define KITE_EXEC_H

/* argv: kernel copies of the arguments, NULL-terminated. Returns argc (which lands in a0)
 * on success, -1 with the old program untouched on failure. */
int exec(const char *path, char **argv);

#endif
