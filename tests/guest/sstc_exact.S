/* priv_sstc.S, with the exact-time check on: ctest runs it with -icount shift=0. */
#define SSTC_EXACT
#include "priv_sstc.S"
