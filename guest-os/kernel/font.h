/* The console font: 8x16 glyphs indexed by Latin-1 code, generated at build time by
 * tools/psf2c.c from a PSF console font (guest-os/tools/CMakeLists.txt says which). */
#ifndef KITE_FONT_H
#define KITE_FONT_H

#include <stdint.h>

#define FONT_W 8
#define FONT_H 16

extern const uint8_t kite_font[256][FONT_H];

#endif
