/*
 * The framebuffer and its text console (fb.h). The console remembers every character on
 * screen in `grid`, so that it can scroll, and repaint after a program that drew on the
 * framebuffer itself (fbmap) is done.
 */
#include "fb.h"

#include "font.h"
#include "lib.h"

#define MAX_COLS 256
#define MAX_ROWS 128
#define FG 0x00d8dee9u          /* light grey */
#define BG 0x00202a44u          /* dark blue */

static struct {
    uint8_t *base;              /* identity-mapped by the kernel page table */
    uint32_t size, width, height, stride;
} fb;
static char grid[MAX_ROWS][MAX_COLS];
static uint32_t cols, rows, cx, cy;
static int claimed;             /* a process draws; the console only records */

int fb_present(void) { return fb.size != 0; }
uint32_t fb_base(void) { return (uint32_t)(uintptr_t)fb.base; }
uint32_t fb_size(void) { return fb.size; }
uint32_t fb_width(void) { return fb.width; }
uint32_t fb_height(void) { return fb.height; }
uint32_t fb_stride(void) { return fb.stride; }

/* Draw cell (col, row); `cursor` underlines it. */
static void draw_cell(uint32_t col, uint32_t row, int cursor)
{
    const uint8_t *glyph = kite_font[(uint8_t)grid[row][col]];
    uint8_t *line = fb.base + row * FONT_H * fb.stride + col * FONT_W * 4;
    for (int y = 0; y < FONT_H; y++, line += fb.stride) {
        uint32_t bits = glyph[y], *px = (uint32_t *)line;
        if (cursor && y >= FONT_H - 2)
            bits = 0xff;
        for (int x = 0; x < FONT_W; x++)
            px[x] = bits & (0x80u >> x) ? FG : BG;
    }
}

/* The whole screen from the grid: after a program drew over it (fb_release). */
static void repaint(void)
{
    for (uint32_t y = 0; y < fb.height; y++) {
        uint32_t *px = (uint32_t *)(fb.base + y * fb.stride);
        for (uint32_t x = 0; x < fb.width; x++)
            px[x] = BG;
    }
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++)
            if (grid[r][c] != ' ')
                draw_cell(c, r, 0);
    draw_cell(cx, cy, 1);
}

void fb_init(const struct boot_info *bi)
{
    if (!bi->fb_size)
        return;
    fb.base = (uint8_t *)(uintptr_t)bi->fb_base;
    fb.size = bi->fb_size;
    fb.width = bi->fb_width;
    fb.height = bi->fb_height;
    fb.stride = bi->fb_stride;
    cols = fb.width / FONT_W < MAX_COLS ? fb.width / FONT_W : MAX_COLS;
    rows = fb.height / FONT_H < MAX_ROWS ? fb.height / FONT_H : MAX_ROWS;
    memset(grid, ' ', sizeof grid);
    repaint();
}

/* Move every text row up by one, on screen (a memmove of pixel rows) and in the grid. */
static void scroll(void)
{
    memmove(grid[0], grid[1], (rows - 1) * MAX_COLS);
    memset(grid[rows - 1], ' ', MAX_COLS);
    if (claimed)
        return;
    uint32_t row_bytes = FONT_H * fb.stride;
    memmove(fb.base, fb.base + row_bytes, (rows - 1) * row_bytes);
    for (uint32_t c = 0; c < cols; c++)
        draw_cell(c, rows - 1, 0);
}

/* The cursor is drawn into the cell it sits on, so it is taken off before anything
 * moves and put back after. While a process holds the screen only the grid changes. */
void fbcon_putc(int c)
{
    if (!fb.size)
        return;
    if (!claimed)
        draw_cell(cx, cy, 0);   /* take the cursor off */
    switch (c) {
    case '\n':
        cx = 0;
        cy++;
        break;
    case '\r':
        cx = 0;
        break;
    case '\b':
        if (cx > 0)
            cx--;
        break;
    case '\t':
        do {
            grid[cy][cx] = ' ';
            if (!claimed)
                draw_cell(cx, cy, 0);
            cx++;
        } while (cx % 8 && cx < cols);
        break;
    default:
        grid[cy][cx] = (char)c;
        if (!claimed)
            draw_cell(cx, cy, 0);
        cx++;
        break;
    }
    if (cx >= cols) {
        cx = 0;
        cy++;
    }
    if (cy >= rows) {
        scroll();
        cy = rows - 1;
    }
    if (!claimed)
        draw_cell(cx, cy, 1);
}

void fb_claim(void)
{
    claimed = 1;
}

void fb_release(void)
{
    claimed = 0;
    if (fb.size)
        repaint();
}
