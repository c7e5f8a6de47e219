/*
 * The framebuffer and its text console (fb.h).
 *
 * The console keeps the text in `grid` and paints pixels from it lazily. Printing a
 * character only stores it in the grid; fb_update() brings the pixels up to date, at
 * most PAINT_HZ times a second, by redrawing the cells whose character differs from
 * what the screen shows (`shown`). So a burst of output (a paste, `cat` of a long file)
 * costs one paint per frame however many lines it prints.
 *
 * Scrolling moves no pixels: the grid's rows are a ring (`top` is the first line on
 * screen), so a scroll is one cleared row, and the next paint redraws the cells that
 * changed. Moving the pixels up instead would copy the whole screen, which costs about
 * as much as redrawing every cell of it, and most cells of a terminal are blank on both
 * sides of a scroll.
 *
 * One spinlock guards the grid, the cursor, what the screen shows and who holds it;
 * it is held while painting, so a paint sees the text whole.
 */
#include "fb.h"

#include "font.h"
#include "lib.h"
#include "printf.h"
#include "riscv.h"
#include "spinlock.h"

#define MAX_COLS 256
#define MAX_ROWS 128
#define PAINT_HZ 30
#define FG 0x00d8dee9u          /* light grey */
#define BG 0x00202a44u          /* dark blue */

static struct {
    uint8_t *base;              /* identity-mapped by the kernel page table */
    uint32_t size, width, height, stride;
} fb;
static char grid[MAX_ROWS][MAX_COLS];   /* the text, rows in a ring from `top` */
/* What the pixels show, row by row from the top of the screen; 0 is "not known", a
 * character the grid never holds (fbcon_putc drops NULs), so the cell is redrawn. */
static char shown[MAX_ROWS][MAX_COLS];
static uint32_t cols, rows, top, cx, cy;
static uint32_t shown_cx, shown_cy;     /* where the pixels show the cursor */
static int dirty;                       /* the grid changed since the last paint */
static int holder;                      /* pid of the process that draws; 0: the console */
static struct spinlock lock;
static uint64_t last_paint, paint_interval;     /* in time-CSR counts */

int fb_present(void) { return fb.size != 0; }
uint32_t fb_base(void) { return (uint32_t)(uintptr_t)fb.base; }
uint32_t fb_size(void) { return fb.size; }
uint32_t fb_width(void) { return fb.width; }
uint32_t fb_height(void) { return fb.height; }
uint32_t fb_stride(void) { return fb.stride; }

/* Text row `r` of the screen (0 at the top). */
static char *line(uint32_t r)
{
    return grid[(top + r) % rows];
}

/* Every row of 8 glyph bits as its 8 pixels, worked out once (fb_init): a cell is then
 * drawn by copying words, not by testing bits. */
static uint32_t bits_px[256][FONT_W];

static void make_bits_px(void)
{
    for (int bits = 0; bits < 256; bits++)
        for (int x = 0; x < FONT_W; x++)
            bits_px[bits][x] = bits & (0x80u >> x) ? FG : BG;
}

/* Draw character ch in cell (col, row); `cursor` underlines it. */
static void draw_cell(uint32_t col, uint32_t row, char ch, int cursor)
{
    const uint8_t *glyph = kite_font[(uint8_t)ch];
    uint8_t *px_row = fb.base + row * FONT_H * fb.stride + col * FONT_W * 4;
    for (int y = 0; y < FONT_H; y++, px_row += fb.stride) {
        const uint32_t *from = bits_px[cursor && y >= FONT_H - 2 ? 0xff : glyph[y]];
        uint32_t *px = (uint32_t *)px_row;
#pragma GCC unroll 8            /* 8 loads and stores, no loop: paints are ~2x faster */
        for (int x = 0; x < FONT_W; x++)
            px[x] = from[x];
    }
}

/* Bring the pixels up to date with the grid: only the cells that differ are drawn. */
static void paint(void)
{
    /* The cursor is drawn into its cell: the cell it left and the one it is on now
     * are redrawn whatever they hold. */
    shown[shown_cy][shown_cx] = 0;
    shown[cy][cx] = 0;
    for (uint32_t r = 0; r < rows; r++) {
        const char *text = line(r);
        for (uint32_t c = 0; c < cols; c++) {
            if (shown[r][c] != text[c]) {
                shown[r][c] = text[c];
                draw_cell(c, r, text[c], r == cy && c == cx);
            }
        }
    }
    shown_cx = cx;
    shown_cy = cy;
    dirty = 0;
}

/* Paint the whole screen the background colour: all blanks, as `shown` then says. */
static void clear_screen(void)
{
    for (uint32_t y = 0; y < fb.height; y++) {
        uint32_t *px = (uint32_t *)(fb.base + y * fb.stride);
        for (uint32_t x = 0; x < fb.width; x++)
            px[x] = BG;
    }
    memset(shown, ' ', sizeof shown);
}

void fb_init(const struct boot_info *bi)
{
    initlock(&lock, "framebuffer");
    if (!bi->fb_size)
        return;
    fb.base = (uint8_t *)(uintptr_t)bi->fb_base;
    fb.size = bi->fb_size;
    fb.width = bi->fb_width;
    fb.height = bi->fb_height;
    fb.stride = bi->fb_stride;
    cols = fb.width / FONT_W < MAX_COLS ? fb.width / FONT_W : MAX_COLS;
    rows = fb.height / FONT_H < MAX_ROWS ? fb.height / FONT_H : MAX_ROWS;
    paint_interval = bi->timebase_hz / PAINT_HZ;
    make_bits_px();
    memset(grid, ' ', sizeof grid);
    clear_screen();
    paint();
}

/* The text moves up a line: the row that was on top becomes the blank bottom one. */
static void scroll(void)
{
    top = (top + 1) % rows;
    memset(line(rows - 1), ' ', cols);
}

/* Only the grid changes here; the pixels follow at the next paint. */
void fbcon_putc(int c)
{
    if (!fb.size || c == 0)
        return;
    int locking = !panicking;
    if (locking)
        acquire(&lock);
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
        do
            line(cy)[cx++] = ' ';
        while (cx % 8 && cx < cols);
        break;
    default:
        line(cy)[cx++] = (char)c;
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
    dirty = 1;
    if (locking)
        release(&lock);
}

/* Called by the scheduler each time round: often, so the rate is kept here, by the
 * clock. A paint after a screenful of new text redraws every cell (about 1.5 million
 * instructions); 30 a second keep the text readable as it goes by and leave most of
 * the time to the programs. */
void fb_update(void)
{
    if (!fb.size)
        return;
    acquire(&lock);
    uint64_t now = rdtime();
    if (dirty && !holder && now - last_paint >= paint_interval) {
        last_paint = now;
        paint();
    }
    release(&lock);
}

int fb_pending(void)
{
    if (!fb.size)
        return 0;
    acquire(&lock);
    int r = dirty && !holder;
    release(&lock);
    return r;
}

/* At shutdown or in a panic, when the hart that panicked may hold the lock. */
void fb_flush(void)
{
    if (!fb.size)
        return;
    int locking = !panicking;
    if (locking)
        acquire(&lock);
    if (dirty && !holder)
        paint();
    if (locking)
        release(&lock);
}

int fb_claim(int pid)
{
    acquire(&lock);
    int ok = !holder;
    if (ok)
        holder = pid;
    release(&lock);
    return ok ? 0 : -1;
}

void fb_release(void)
{
    acquire(&lock);
    holder = 0;
    if (fb.size) {
        clear_screen();
        paint();
    }
    release(&lock);
}
