/*
 * rvbox's second benchmark: a different mix from bench.c's, about 1.0e9 RV32IMAC
 * instructions, deterministic, the same on every engine, ending with the same line
 *
 *     BENCH instret=<decimal> checksum=0x<hex> cycle=<decimal>
 *
 * bench.c works on 64 KiB with tight loops; this one is about what real programs do
 * beyond that. Each round runs five kernels (their shares of instructions and time are
 * in README.md):
 *   memory    pointer chasing through a 4 MiB ring of nodes linked in a random order,
 *             and strided read-modify-write walks over a 4 MiB array (one word per
 *             64-byte line, one per 4 KiB page, and an odd stride that visits them all)
 *   calls     small functions called and returned from: naive recursion (fib and tak),
 *             a recursive walk of a binary tree calling a visitor through a pointer,
 *             a recursive quicksort calling its comparison through a pointer
 *   interp    a stack-machine bytecode interpreter, one switch over the opcode per
 *             instruction (the classic dispatch loop), running a small program
 *   bytes     byte and halfword loads and stores over text: a byte copy, upper-casing
 *             and word counting, memcmp-like compares, strlen over NUL-ended strings,
 *             an FNV-1a byte hash, a ones'-complement halfword checksum, halfword swaps
 *   muldiv    mul, mulh, mulhu, mulhsu, div, divu, rem, remu: products' high halves,
 *             quotients and remainders by data-dependent divisors, modular powers,
 *             Newton square roots, and the edge cases (x/0, INT_MIN/-1) every 64th
 * The checksum folds in every kernel's result and, at the end, all of the memory the
 * kernels wrote, so nothing can be optimised away and two engines that print the same
 * checksum computed the same thing. tests/bench/run.sh compares them.
 *
 * No libc: printing is done here, one byte at a time through console.h. The helpers at
 * the end are bench.c's (copied, so that bench.c's code stays where it is).
 */
#include <stdint.h>

#include "console.h"

/* Rounds of all five kernels, about 3.7e6 instructions each; with start.S clearing the
 * 8 MiB, the set-up and the final pass over memory (5.5e7 together), 9.9e8 in all. */
#ifndef BENCH2_ROUNDS
#define BENCH2_ROUNDS 250
#endif

/* Fold one value into a running hash; order-sensitive, so any wrong value shows. */
static inline uint32_t hash_step(uint32_t h, uint32_t v)
{
    h ^= v;
    h = (h << 7) | (h >> 25);
    return h * 0x9e3779b1u;
}

static inline uint32_t xorshift32(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* ---- memory: a 4 MiB ring of nodes and a 4 MiB array --------------------------- */

#define CHASE_NODES (1u << 19)    /* 8-byte nodes: 4 MiB */
#define CHASE_STEPS (1u << 14)    /* nodes visited per round */
#define GRID_WORDS (1u << 20)     /* 4 MiB */
#define GRID_MASK (GRID_WORDS - 1)
#define STRIDE_STEPS (1u << 13)   /* accesses per strided walk per round */

struct node {
    struct node *next;
    uint32_t val;
};

static struct node nodes[CHASE_NODES];
static uint32_t grid[GRID_WORDS];
static struct node *chase_at; /* where the next round's chase starts */

/* Link the nodes into one ring in a random order (a Fisher-Yates shuffle of their
 * indices, in grid as scratch), then fill grid. */
static void setup_memory(void)
{
    uint32_t *order = grid;
    uint32_t x = 0x2545f491u;

    for (uint32_t i = 0; i < CHASE_NODES; i++)
        order[i] = i;
    for (uint32_t i = CHASE_NODES - 1; i > 0; i--) {
        x = xorshift32(x);
        uint32_t j = (uint32_t)(((uint64_t)x * (i + 1)) >> 32); /* 0..i */
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < CHASE_NODES; i++) {
        struct node *n = &nodes[order[i]];
        n->next = &nodes[order[(i + 1) & (CHASE_NODES - 1)]];
        n->val = order[i] * 0x9e3779b1u;
    }
    chase_at = &nodes[order[0]];
    for (uint32_t i = 0; i < GRID_WORDS; i++) {
        x = xorshift32(x);
        grid[i] = x;
    }
}

/* Follow the ring: every load's address comes from the load before it. */
static uint32_t kernel_chase(void)
{
    struct node *p = chase_at;
    uint32_t acc = 0;

    for (uint32_t i = 0; i < CHASE_STEPS; i++) {
        uint32_t v = p->val;
        acc += v;
        p->val = v ^ (acc >> 11) ^ i;
        p = p->next;
    }
    chase_at = p;
    return acc;
}

/* Strided read-modify-write walks over grid, starting where the round says. */
static uint32_t kernel_strides(uint32_t r)
{
    uint32_t acc = r, idx;

    /* one word per 64-byte line: an eighth of grid per round */
    idx = (r * STRIDE_STEPS * 16) & GRID_MASK;
    for (uint32_t k = 0; k < STRIDE_STEPS; k++, idx = (idx + 16) & GRID_MASK) {
        uint32_t v = grid[idx];
        acc = (acc ^ v) + (v >> 5);
        grid[idx] = v + acc;
    }
    /* one word per 4 KiB page, a different word of the page on every lap */
    idx = r & 1023;
    for (uint32_t k = 0; k < STRIDE_STEPS; k++) {
        idx = (idx + 1024 + ((k & 1023) == 1023)) & GRID_MASK;
        uint32_t v = grid[idx];
        acc += v ^ k;
        grid[idx] = v ^ (acc << 3);
    }
    /* an odd stride of 4099 words: over the rounds, every word */
    idx = (r * STRIDE_STEPS * 4099) & GRID_MASK;
    for (uint32_t k = 0; k < STRIDE_STEPS; k++, idx = (idx + 4099) & GRID_MASK) {
        uint32_t v = grid[idx];
        acc = acc * 33 + v;
        grid[idx] = v - (acc >> 2);
    }
    return acc;
}

/* ---- calls: recursion, a tree walk and a sort through function pointers ---------- */

__attribute__((noinline)) static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/* Takeuchi's function: three recursive calls per call, most of them shallow. */
__attribute__((noinline)) static int32_t tak(int32_t x, int32_t y, int32_t z)
{
    if (y >= x)
        return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

#define TREE_NODES 2047u

struct tnode {
    struct tnode *left, *right;
    uint32_t key;
};

static struct tnode tnodes[TREE_NODES];
static struct tnode *tree_root;

/* A binary search tree of random keys, inserted in their random order. */
static void setup_tree(void)
{
    uint32_t x = 0x6b8b4567u;

    for (uint32_t i = 0; i < TREE_NODES; i++) {
        struct tnode *n = &tnodes[i], **at = &tree_root;

        x = xorshift32(x);
        n->key = x;
        while (*at)
            at = x < (*at)->key ? &(*at)->left : &(*at)->right;
        *at = n;
    }
}

typedef uint32_t (*visit_fn)(uint32_t acc, uint32_t key, uint32_t depth);

__attribute__((noinline)) static uint32_t visit_sum(uint32_t acc, uint32_t key, uint32_t depth)
{
    return acc + (key >> depth % 32);
}

__attribute__((noinline)) static uint32_t visit_xor(uint32_t acc, uint32_t key, uint32_t depth)
{
    return (acc ^ key) * 3 + depth;
}

__attribute__((noinline)) static uint32_t visit_max(uint32_t acc, uint32_t key, uint32_t depth)
{
    (void)depth;
    return key > acc ? key : acc - 1;
}

__attribute__((noinline)) static uint32_t visit_depth(uint32_t acc, uint32_t key, uint32_t depth)
{
    return acc + depth * (key & 7);
}

static visit_fn const visitors[4] = { visit_sum, visit_xor, visit_max, visit_depth };

/* In order: left subtree, the node, right subtree. */
__attribute__((noinline)) static uint32_t walk(const struct tnode *t, visit_fn f, uint32_t acc,
                                               uint32_t depth)
{
    while (t) {
        acc = walk(t->left, f, acc, depth + 1);
        acc = f(acc, t->key, depth);
        t = t->right;
        depth++;
    }
    return acc;
}

#define SORT_LEN 512u

static uint32_t sort_buf[SORT_LEN];

typedef int (*cmp_fn)(uint32_t a, uint32_t b);

__attribute__((noinline)) static int cmp_unsigned(uint32_t a, uint32_t b)
{
    return a < b ? -1 : a > b;
}

__attribute__((noinline)) static int cmp_signed_low(uint32_t a, uint32_t b)
{
    int16_t x = (int16_t)a, y = (int16_t)b;

    if (x != y)
        return x < y ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Quicksort, the middle element as pivot; recursion on both halves. */
__attribute__((noinline)) static void quicksort(uint32_t *a, int32_t lo, int32_t hi, cmp_fn cmp)
{
    if (lo >= hi)
        return;
    uint32_t pivot = a[lo + (hi - lo) / 2];
    int32_t i = lo, j = hi;
    while (i <= j) {
        while (cmp(a[i], pivot) < 0)
            i++;
        while (cmp(a[j], pivot) > 0)
            j--;
        if (i <= j) {
            uint32_t t = a[i];
            a[i++] = a[j];
            a[j--] = t;
        }
    }
    quicksort(a, lo, j, cmp);
    quicksort(a, i, hi, cmp);
}

static uint32_t kernel_calls(uint32_t r)
{
    uint32_t acc = fib(18 + (r & 3));

    acc = hash_step(acc, (uint32_t)tak(12 + (int32_t)(r & 1), 6, (int32_t)(r & 3)));
    acc = hash_step(acc, walk(tree_root, visitors[r & 3], r, 0));

    /* sort 512 words of grid (what the memory kernel left there) */
    uint32_t base = (r * 7919u) & (GRID_MASK & ~(SORT_LEN - 1));
    for (uint32_t i = 0; i < SORT_LEN; i++)
        sort_buf[i] = grid[base + i];
    quicksort(sort_buf, 0, SORT_LEN - 1, (r & 1) ? cmp_signed_low : cmp_unsigned);
    for (uint32_t i = 0; i < SORT_LEN; i += 8)
        acc = hash_step(acc, sort_buf[i]);
    return acc;
}

/* ---- interp: a switch-dispatched stack machine ----------------------------------- */

enum {
    OP_HALT, OP_PUSH8, OP_PUSH32, OP_LD, OP_ST, OP_INC,
    OP_ADD, OP_SUB, OP_MUL, OP_DIVU, OP_REMU, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
    OP_LT, OP_EQ, OP_DUP, OP_DROP, OP_SWAP, OP_OVER,
    OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET, OP_LDM, OP_STM,
};

#define VM_STACK 32u
#define VM_CALLS 8u
#define VM_MEM 64u /* words */
#define VM_LOCALS 8u

static uint8_t vm_code[512]; /* the program takes 120 */
static uint32_t vm_len;
static uint32_t vm_mem[VM_MEM];

static void emit(uint32_t byte)
{
    vm_code[vm_len++] = (uint8_t)byte;
}

static void emit2(uint32_t op, uint32_t arg)
{
    emit(op);
    emit(arg);
}

static void emit_push(uint32_t v)
{
    if ((uint32_t)((int32_t)(int8_t)v) == v) {
        emit(OP_PUSH8);
        emit(v);
    } else {
        emit(OP_PUSH32);
        for (int s = 0; s < 32; s += 8)
            emit(v >> s);
    }
}

/* A jump or call to a 16-bit address; returns where the address goes, to patch it. */
static uint32_t emit_jump(uint32_t op, uint32_t target)
{
    emit(op);
    emit(target);
    emit(target >> 8);
    return vm_len - 2;
}

static void patch(uint32_t at, uint32_t target)
{
    vm_code[at] = (uint8_t)target;
    vm_code[at + 1] = (uint8_t)(target >> 8);
}

/*
 * The program; locals: 0 = i, 1 = n, 2 = acc, 3 = x.
 *
 *     for (i = 0; i < n; i++) {
 *         x = mem[i & 63] * 1103515245 + 12345;
 *         mem[i & 63] = x;
 *         acc = (acc ^ (x >> 16)) + i;
 *         if ((x & 0x70) == 0)
 *             acc += gcd(x, i + 1);      (a subroutine: a loop of remu)
 *         else
 *             acc -= x % (i | 1) + (x / 1000 << 2);
 *     }
 *     return acc;
 */
static void setup_interp(void)
{
    uint32_t loop, to_done, to_else, to_end, to_gcd, gcd, to_gdone;

    emit_push(0);
    emit2(OP_ST, 0);
    loop = vm_len;
    emit2(OP_LD, 0);
    emit2(OP_LD, 1);
    emit(OP_LT);
    to_done = emit_jump(OP_JZ, 0);
    emit2(OP_LD, 0);                    /* address for the store below */
    emit2(OP_LD, 0);
    emit_push(63);
    emit(OP_AND);
    emit(OP_LDM);
    emit_push(1103515245u);
    emit(OP_MUL);
    emit_push(12345);
    emit(OP_ADD);
    emit(OP_DUP);
    emit2(OP_ST, 3);
    emit(OP_STM);                            /* mem[i & 63] = x (STM masks) */
    emit2(OP_LD, 2);
    emit2(OP_LD, 3);
    emit_push(16);
    emit(OP_SHR);
    emit(OP_XOR);
    emit2(OP_LD, 0);
    emit(OP_ADD);
    emit2(OP_ST, 2);
    emit2(OP_LD, 3);
    emit_push(0x70);
    emit(OP_AND);
    to_else = emit_jump(OP_JNZ, 0);
    emit2(OP_LD, 2);
    emit2(OP_LD, 3);
    emit2(OP_LD, 0);
    emit_push(1);
    emit(OP_ADD);
    to_gcd = emit_jump(OP_CALL, 0);
    emit(OP_ADD);
    emit2(OP_ST, 2);
    to_end = emit_jump(OP_JMP, 0);
    patch(to_else, vm_len);
    emit2(OP_LD, 2);
    emit2(OP_LD, 3);
    emit2(OP_LD, 0);
    emit_push(1);
    emit(OP_OR);
    emit(OP_REMU);
    emit2(OP_LD, 3);
    emit_push(1000);
    emit(OP_DIVU);
    emit_push(2);
    emit(OP_SHL);
    emit(OP_ADD);
    emit(OP_SUB);
    emit2(OP_ST, 2);
    patch(to_end, vm_len);
    emit2(OP_INC, 0);
    emit_jump(OP_JMP, loop);
    patch(to_done, vm_len);
    emit2(OP_LD, 2);
    emit(OP_HALT);

    /* gcd: [a b] -> [gcd(a, b)] */
    gcd = vm_len;
    patch(to_gcd, gcd);
    emit(OP_DUP);
    to_gdone = emit_jump(OP_JZ, 0);
    emit(OP_SWAP);
    emit(OP_OVER);
    emit(OP_REMU);
    emit_jump(OP_JMP, gcd);
    patch(to_gdone, vm_len);
    emit(OP_DROP);
    emit(OP_RET);

    for (uint32_t i = 0; i < VM_MEM; i++)
        vm_mem[i] = i * 0x01000193u;
}

static inline uint32_t imm16(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8;
}

/* Run the program from address 0 until HALT; returns the top of the stack. */
__attribute__((noinline)) static uint32_t vm_run(const uint8_t *code, uint32_t *locals)
{
    uint32_t stack[VM_STACK], *sp = stack; /* sp: the first free slot */
    uint32_t calls[VM_CALLS], *csp = calls;
    const uint8_t *pc = code;
    uint32_t a, b;

    for (;;) {
        switch (*pc++) {
        case OP_HALT:
            return sp[-1];
        case OP_PUSH8:
            *sp++ = (uint32_t)(int32_t)(int8_t)*pc++;
            break;
        case OP_PUSH32:
            *sp++ = imm16(pc) | imm16(pc + 2) << 16;
            pc += 4;
            break;
        case OP_LD:
            *sp++ = locals[*pc++ & (VM_LOCALS - 1)];
            break;
        case OP_ST:
            locals[*pc++ & (VM_LOCALS - 1)] = *--sp;
            break;
        case OP_INC:
            locals[*pc++ & (VM_LOCALS - 1)]++;
            break;
        case OP_ADD:
            b = *--sp;
            sp[-1] += b;
            break;
        case OP_SUB:
            b = *--sp;
            sp[-1] -= b;
            break;
        case OP_MUL:
            b = *--sp;
            sp[-1] *= b;
            break;
        case OP_DIVU: /* as RISC-V's divu: x / 0 = all ones */
            b = *--sp;
            sp[-1] = b ? sp[-1] / b : ~0u;
            break;
        case OP_REMU: /* as RISC-V's remu: x % 0 = x */
            b = *--sp;
            sp[-1] = b ? sp[-1] % b : sp[-1];
            break;
        case OP_AND:
            b = *--sp;
            sp[-1] &= b;
            break;
        case OP_OR:
            b = *--sp;
            sp[-1] |= b;
            break;
        case OP_XOR:
            b = *--sp;
            sp[-1] ^= b;
            break;
        case OP_SHL:
            b = *--sp;
            sp[-1] <<= b & 31;
            break;
        case OP_SHR:
            b = *--sp;
            sp[-1] >>= b & 31;
            break;
        case OP_LT:
            b = *--sp;
            sp[-1] = sp[-1] < b;
            break;
        case OP_EQ:
            b = *--sp;
            sp[-1] = sp[-1] == b;
            break;
        case OP_DUP:
            a = sp[-1];
            *sp++ = a;
            break;
        case OP_DROP:
            sp--;
            break;
        case OP_SWAP:
            a = sp[-1];
            sp[-1] = sp[-2];
            sp[-2] = a;
            break;
        case OP_OVER:
            a = sp[-2];
            *sp++ = a;
            break;
        case OP_JMP:
            pc = code + imm16(pc);
            break;
        case OP_JZ:
            pc = *--sp == 0 ? code + imm16(pc) : pc + 2;
            break;
        case OP_JNZ:
            pc = *--sp != 0 ? code + imm16(pc) : pc + 2;
            break;
        case OP_CALL:
            *csp++ = (uint32_t)(pc + 2 - code);
            pc = code + imm16(pc);
            break;
        case OP_RET:
            pc = code + *--csp;
            break;
        case OP_LDM:
            sp[-1] = vm_mem[sp[-1] & (VM_MEM - 1)];
            break;
        case OP_STM:
            b = *--sp;
            a = *--sp;
            vm_mem[a & (VM_MEM - 1)] = b;
            break;
        default: /* a bad opcode: stop with a value that spoils the checksum */
            return 0xdeadbeefu;
        }
    }
}

static uint32_t kernel_interp(uint32_t r)
{
    uint32_t locals[VM_LOCALS] = { 0 };

    locals[1] = 1300 + (r & 63); /* n */
    locals[2] = r;               /* acc */
    return vm_run(vm_code, locals);
}

/* ---- bytes: text processing with byte and halfword accesses ---------------------- */

#define TEXT_BYTES (1u << 16)
#define COPY_BYTES (24u << 10)

static uint8_t text[TEXT_BYTES] __attribute__((aligned(4)));
static uint8_t buf[COPY_BYTES] __attribute__((aligned(4)));

/* Text-like bytes: mostly lower-case letters, some upper case and digits, spaces,
 * punctuation, and a NUL now and then to end a string. */
static void setup_text(void)
{
    static const char extra[16] = "ABCDEFXYZ0123 .,";
    uint32_t x = 0x327b23c6u;

    for (uint32_t i = 0; i < TEXT_BYTES; i++) {
        x = xorshift32(x);
        uint32_t k = x & 63;
        if (k < 40)
            text[i] = (uint8_t)('a' + (x >> 8) % 26);
        else if (k < 50)
            text[i] = ' ';
        else if (k < 62)
            text[i] = (uint8_t)extra[(x >> 8) & 15];
        else if (k == 62)
            text[i] = 0;
        else
            text[i] = (uint8_t)(0x80 | (x >> 8)); /* high bytes: negative for lb */
    }
}

static uint32_t kernel_bytes(uint32_t r)
{
    const uint8_t *src = text + (r * 613u) % (TEXT_BYTES - COPY_BYTES);
    uint32_t acc = 0, words = 0, in_word = 0;

    /* memcpy, a byte at a time */
    for (uint32_t i = 0; i < COPY_BYTES; i++)
        buf[i] = src[i];

    /* upper-case the letters in place and count the words */
    for (uint32_t i = 0; i < COPY_BYTES; i++) {
        uint8_t c = buf[i];
        if (c >= 'a' && c <= 'z')
            buf[i] = (uint8_t)(c - 32);
        if (c == ' ' || c == 0) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
    }
    acc = hash_step(acc, words);

    /* memcmp-like: in 32-byte blocks, where the copy first differs from the text and
     * the signed difference there (letters upper-cased since) */
    for (uint32_t i = 0; i < COPY_BYTES; i += 32) {
        uint32_t j = 0;
        while (j < 32 && buf[i + j] == src[i + j])
            j++;
        acc += j < 32 ? (uint32_t)(buf[i + j] - src[i + j]) * 64 + j : 32;
    }

    /* strlen over the NUL-ended strings, and signed bytes (lb) summed */
    {
        const uint8_t *s = buf, *end = buf + COPY_BYTES - 1;
        int32_t signed_sum = 0;
        uint32_t strings = 0;

        while (s < end) {
            const uint8_t *p = s;
            while (*p && p < end)
                p++;
            acc = acc * 31 + (uint32_t)(p - s);
            strings++;
            s = p + 1;
        }
        for (uint32_t i = 0; i < COPY_BYTES; i += 3)
            signed_sum += ((const int8_t *)buf)[i];
        acc = hash_step(acc, strings ^ (uint32_t)signed_sum);
    }

    /* FNV-1a over the bytes */
    {
        uint32_t h = 0x811c9dc5u;
        for (uint32_t i = 0; i < COPY_BYTES; i++)
            h = (h ^ buf[i]) * 0x01000193u;
        acc = hash_step(acc, h);
    }

    /* halfwords: the ones'-complement sum (lhu), a signed sum (lh), then swap the bytes
     * of every halfword in place (lhu, sh) */
    {
        uint16_t *half = (uint16_t *)buf;
        uint32_t sum = 0;
        int32_t ssum = 0;

        for (uint32_t i = 0; i < COPY_BYTES / 2; i++)
            sum += half[i];
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        for (uint32_t i = 0; i < COPY_BYTES / 2; i += 2)
            ssum += (int16_t)half[i];
        for (uint32_t i = 0; i < COPY_BYTES / 2; i++) {
            uint32_t v = half[i];
            half[i] = (uint16_t)(v << 8 | v >> 8);
        }
        acc = hash_step(acc, ~sum & 0xffff);
        acc = hash_step(acc, (uint32_t)ssum);
    }

    /* write a little back into the text, so the next rounds see different bytes */
    for (uint32_t i = 0; i < 64; i++)
        ((uint8_t *)src)[i * 67] ^= buf[i * 97] & 0x1f;
    return acc;
}

/* ---- muldiv: products, quotients, remainders ------------------------------------- */

#define MULDIV_WORDS 16384u

static inline uint32_t mulhsu(int32_t a, uint32_t b)
{
    uint32_t r;

    __asm__("mulhsu %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* div and rem where C leaves it undefined (x / 0, INT_MIN / -1): RISC-V defines it. */
static inline int32_t div_raw(int32_t a, int32_t b)
{
    int32_t r;

    __asm__ volatile("div %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static inline int32_t rem_raw(int32_t a, int32_t b)
{
    int32_t r;

    __asm__ volatile("rem %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static inline uint32_t divu_raw(uint32_t a, uint32_t b)
{
    uint32_t r;

    __asm__ volatile("divu %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static inline uint32_t remu_raw(uint32_t a, uint32_t b)
{
    uint32_t r;

    __asm__ volatile("remu %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* base^exp mod m, m < 2^16 so every product fits in 32 bits. */
static uint32_t powmod(uint32_t base, uint32_t exp, uint32_t m)
{
    uint32_t result = 1 % m;

    base %= m;
    while (exp) {
        if (exp & 1)
            result = result * base % m;
        base = base * base % m;
        exp >>= 1;
    }
    return result;
}

/* floor(sqrt(v)) by Newton's method: a divu per step. */
static uint32_t isqrt(uint32_t v)
{
    if (v < 2)
        return v;
    uint32_t x = v, y = x / 2 + (x & 1); /* (x + 1) / 2 without overflow */
    while (y < x) {
        x = y;
        y = (x + v / x) / 2;
    }
    return x;
}

static uint32_t kernel_muldiv(uint32_t r)
{
    const uint32_t *w = grid + ((r * 104729u) & (GRID_MASK & ~(MULDIV_WORDS - 1)));
    uint32_t acc = r;

    for (uint32_t i = 0; i < MULDIV_WORDS; i += 2) {
        uint32_t a = w[i], b = w[i + 1];
        int32_t sa = (int32_t)a, sb = (int32_t)b;
        uint32_t d = (b >> 17) | 1;
        int32_t sd = (int32_t)(b >> 18) - 0x2000; /* -8192..8191 */

        acc += (uint32_t)(((uint64_t)a * b) >> 32);       /* mulhu */
        acc ^= (uint32_t)(((int64_t)sa * sb) >> 32);      /* mulh */
        acc += mulhsu(sa, b) + a * b;                     /* mulhsu, mul */
        acc ^= a / d + a % d;                             /* divu, remu */
        if (sd != 0 && sd != -1)
            acc += (uint32_t)(sa / sd) ^ (uint32_t)(sa % sd); /* div, rem */
        if ((i & 15) == 0) {
            acc = hash_step(acc, powmod(a, b, (b & 0xffff) | 3));
            acc += isqrt(a ^ acc);
        }
        if ((i & 63) == 0) {
            /* the edge cases: by zero, and the one signed overflow */
            acc += (uint32_t)div_raw(sa, 0) ^ (uint32_t)rem_raw(sa, 0);
            acc += divu_raw(a, 0) ^ remu_raw(a, 0);
            acc += (uint32_t)div_raw(INT32_MIN, -1) ^ (uint32_t)rem_raw(INT32_MIN, -1);
            acc = hash_step(acc, (uint32_t)div_raw(sa | INT32_MIN, -1));
        }
    }
    return acc;
}

/* ---- the whole workload ---------------------------------------------------------- */

static uint32_t bench_run(void)
{
    uint32_t sum = 0x811c9dc5u;

    setup_memory();
    setup_tree();
    setup_interp();
    setup_text();
    for (uint32_t r = 0; r < BENCH2_ROUNDS; r++) {
        sum = hash_step(sum, kernel_chase());
        sum = hash_step(sum, kernel_strides(r));
        sum = hash_step(sum, kernel_calls(r));
        sum = hash_step(sum, kernel_interp(r));
        sum = hash_step(sum, kernel_bytes(r));
        sum = hash_step(sum, kernel_muldiv(r));
    }
    /* everything the kernels wrote */
    for (uint32_t i = 0; i < CHASE_NODES; i++)
        sum = hash_step(sum, nodes[i].val);
    for (uint32_t i = 0; i < GRID_WORDS; i++)
        sum = hash_step(sum, grid[i]);
    for (uint32_t i = 0; i < TEXT_BYTES / 4; i++)
        sum = hash_step(sum, ((const uint32_t *)text)[i]);
    for (uint32_t i = 0; i < VM_MEM; i++)
        sum = hash_step(sum, vm_mem[i]);
    return sum;
}

/* ---- reporting: the same as bench.c's --------------------------------------------- */

/* minstret as 64 bits: re-read if the high half moved while we read the low half. */
static uint64_t read_instret(void)
{
    uint32_t hi, lo, hi2;

    do {
        __asm__ volatile("csrr %0, minstreth" : "=r"(hi));
        __asm__ volatile("csrr %0, minstret" : "=r"(lo));
        __asm__ volatile("csrr %0, minstreth" : "=r"(hi2));
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}

/* mcycle as 64 bits, the same way. */
static uint64_t read_cycle(void)
{
    uint32_t hi, lo, hi2;

    do {
        __asm__ volatile("csrr %0, mcycleh" : "=r"(hi));
        __asm__ volatile("csrr %0, mcycle" : "=r"(lo));
        __asm__ volatile("csrr %0, mcycleh" : "=r"(hi2));
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}

static void put_str(const char *s)
{
    while (*s)
        console_putc(*s++);
}

static void put_hex32(uint32_t v)
{
    for (int shift = 28; shift >= 0; shift -= 4)
        console_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

/* Decimal without 64-bit division (that would need libgcc): subtract powers of ten. */
static void put_dec64(uint64_t v)
{
    static const uint64_t pow10[] = {
        10000000000000000000ull, 1000000000000000000ull, 100000000000000000ull,
        10000000000000000ull, 1000000000000000ull, 100000000000000ull, 10000000000000ull,
        1000000000000ull, 100000000000ull, 10000000000ull, 1000000000ull, 100000000ull,
        10000000ull, 1000000ull, 100000ull, 10000ull, 1000ull, 100ull, 10ull, 1ull,
    };
    const unsigned n = sizeof pow10 / sizeof pow10[0];
    int started = 0;

    for (unsigned k = 0; k < n; k++) {
        char digit = '0';

        while (v >= pow10[k]) {
            v -= pow10[k];
            digit++;
        }
        if (digit != '0' || started || k == n - 1) {
            console_putc(digit);
            started = 1;
        }
    }
}

/* Called by start.S for any trap: nothing in the benchmark should trap. */
void bench_trap(uint32_t mcause, uint32_t mepc, uint32_t mtval)
{
    static int trapped;

    if (trapped) /* trapped again while reporting: the console itself faults */
        console_exit(4);
    trapped = 1;
    put_str("BENCH trap mcause=0x");
    put_hex32(mcause);
    put_str(" mepc=0x");
    put_hex32(mepc);
    put_str(" mtval=0x");
    put_hex32(mtval);
    put_str("\n");
    console_exit(3);
}

/* Called by start.S; its result is the exit status. */
int bench_main(void)
{
    uint32_t checksum = bench_run();
    uint64_t instret = read_instret();
    uint64_t cycle = read_cycle();

    put_str("BENCH instret=");
    put_dec64(instret);
    put_str(" checksum=0x");
    put_hex32(checksum);
    put_str(" cycle=");
    put_dec64(cycle);
    put_str("\n");
    return 0;
}
