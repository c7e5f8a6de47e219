#include "host/keymap.h"

#include <SDL_scancode.h>
#include <linux/input-event-codes.h>
#include <string.h>

#include "devices/virtio_input.h"

/* SDL scancode -> evdev code, for the keys of a PC keyboard (105 keys, the keypad and a
 * few multimedia keys). Both sides name physical positions, so the table does not depend
 * on the host's layout: the guest applies its own keymap, as on real hardware. */
static const uint16_t sdl_to_evdev[KEYMAP_NUM_SCANCODES] = {
    [SDL_SCANCODE_A] = KEY_A, [SDL_SCANCODE_B] = KEY_B, [SDL_SCANCODE_C] = KEY_C,
    [SDL_SCANCODE_D] = KEY_D, [SDL_SCANCODE_E] = KEY_E, [SDL_SCANCODE_F] = KEY_F,
    [SDL_SCANCODE_G] = KEY_G, [SDL_SCANCODE_H] = KEY_H, [SDL_SCANCODE_I] = KEY_I,
    [SDL_SCANCODE_J] = KEY_J, [SDL_SCANCODE_K] = KEY_K, [SDL_SCANCODE_L] = KEY_L,
    [SDL_SCANCODE_M] = KEY_M, [SDL_SCANCODE_N] = KEY_N, [SDL_SCANCODE_O] = KEY_O,
    [SDL_SCANCODE_P] = KEY_P, [SDL_SCANCODE_Q] = KEY_Q, [SDL_SCANCODE_R] = KEY_R,
    [SDL_SCANCODE_S] = KEY_S, [SDL_SCANCODE_T] = KEY_T, [SDL_SCANCODE_U] = KEY_U,
    [SDL_SCANCODE_V] = KEY_V, [SDL_SCANCODE_W] = KEY_W, [SDL_SCANCODE_X] = KEY_X,
    [SDL_SCANCODE_Y] = KEY_Y, [SDL_SCANCODE_Z] = KEY_Z,

    [SDL_SCANCODE_1] = KEY_1, [SDL_SCANCODE_2] = KEY_2, [SDL_SCANCODE_3] = KEY_3,
    [SDL_SCANCODE_4] = KEY_4, [SDL_SCANCODE_5] = KEY_5, [SDL_SCANCODE_6] = KEY_6,
    [SDL_SCANCODE_7] = KEY_7, [SDL_SCANCODE_8] = KEY_8, [SDL_SCANCODE_9] = KEY_9,
    [SDL_SCANCODE_0] = KEY_0,

    [SDL_SCANCODE_RETURN] = KEY_ENTER,
    [SDL_SCANCODE_ESCAPE] = KEY_ESC,
    [SDL_SCANCODE_BACKSPACE] = KEY_BACKSPACE,
    [SDL_SCANCODE_TAB] = KEY_TAB,
    [SDL_SCANCODE_SPACE] = KEY_SPACE,
    [SDL_SCANCODE_MINUS] = KEY_MINUS,
    [SDL_SCANCODE_EQUALS] = KEY_EQUAL,
    [SDL_SCANCODE_LEFTBRACKET] = KEY_LEFTBRACE,
    [SDL_SCANCODE_RIGHTBRACKET] = KEY_RIGHTBRACE,
    [SDL_SCANCODE_BACKSLASH] = KEY_BACKSLASH,
    /* SDL_SCANCODE_NONUSHASH: X11 and evdev report the ISO '#' key as KEY_BACKSLASH
     * already (SDL_SCANCODE_BACKSLASH); left out so that no two keys share a code. */
    [SDL_SCANCODE_SEMICOLON] = KEY_SEMICOLON,
    [SDL_SCANCODE_APOSTROPHE] = KEY_APOSTROPHE,
    [SDL_SCANCODE_GRAVE] = KEY_GRAVE,
    [SDL_SCANCODE_COMMA] = KEY_COMMA,
    [SDL_SCANCODE_PERIOD] = KEY_DOT,
    [SDL_SCANCODE_SLASH] = KEY_SLASH,
    [SDL_SCANCODE_NONUSBACKSLASH] = KEY_102ND,
    [SDL_SCANCODE_CAPSLOCK] = KEY_CAPSLOCK,

    [SDL_SCANCODE_F1] = KEY_F1, [SDL_SCANCODE_F2] = KEY_F2, [SDL_SCANCODE_F3] = KEY_F3,
    [SDL_SCANCODE_F4] = KEY_F4, [SDL_SCANCODE_F5] = KEY_F5, [SDL_SCANCODE_F6] = KEY_F6,
    [SDL_SCANCODE_F7] = KEY_F7, [SDL_SCANCODE_F8] = KEY_F8, [SDL_SCANCODE_F9] = KEY_F9,
    [SDL_SCANCODE_F10] = KEY_F10, [SDL_SCANCODE_F11] = KEY_F11, [SDL_SCANCODE_F12] = KEY_F12,
    [SDL_SCANCODE_F13] = KEY_F13, [SDL_SCANCODE_F14] = KEY_F14, [SDL_SCANCODE_F15] = KEY_F15,
    [SDL_SCANCODE_F16] = KEY_F16, [SDL_SCANCODE_F17] = KEY_F17, [SDL_SCANCODE_F18] = KEY_F18,
    [SDL_SCANCODE_F19] = KEY_F19, [SDL_SCANCODE_F20] = KEY_F20, [SDL_SCANCODE_F21] = KEY_F21,
    [SDL_SCANCODE_F22] = KEY_F22, [SDL_SCANCODE_F23] = KEY_F23, [SDL_SCANCODE_F24] = KEY_F24,

    [SDL_SCANCODE_PRINTSCREEN] = KEY_SYSRQ,
    [SDL_SCANCODE_SCROLLLOCK] = KEY_SCROLLLOCK,
    [SDL_SCANCODE_PAUSE] = KEY_PAUSE,
    [SDL_SCANCODE_INSERT] = KEY_INSERT,
    [SDL_SCANCODE_HOME] = KEY_HOME,
    [SDL_SCANCODE_PAGEUP] = KEY_PAGEUP,
    [SDL_SCANCODE_DELETE] = KEY_DELETE,
    [SDL_SCANCODE_END] = KEY_END,
    [SDL_SCANCODE_PAGEDOWN] = KEY_PAGEDOWN,
    [SDL_SCANCODE_RIGHT] = KEY_RIGHT,
    [SDL_SCANCODE_LEFT] = KEY_LEFT,
    [SDL_SCANCODE_DOWN] = KEY_DOWN,
    [SDL_SCANCODE_UP] = KEY_UP,

    [SDL_SCANCODE_NUMLOCKCLEAR] = KEY_NUMLOCK,
    [SDL_SCANCODE_KP_DIVIDE] = KEY_KPSLASH,
    [SDL_SCANCODE_KP_MULTIPLY] = KEY_KPASTERISK,
    [SDL_SCANCODE_KP_MINUS] = KEY_KPMINUS,
    [SDL_SCANCODE_KP_PLUS] = KEY_KPPLUS,
    [SDL_SCANCODE_KP_ENTER] = KEY_KPENTER,
    [SDL_SCANCODE_KP_1] = KEY_KP1, [SDL_SCANCODE_KP_2] = KEY_KP2, [SDL_SCANCODE_KP_3] = KEY_KP3,
    [SDL_SCANCODE_KP_4] = KEY_KP4, [SDL_SCANCODE_KP_5] = KEY_KP5, [SDL_SCANCODE_KP_6] = KEY_KP6,
    [SDL_SCANCODE_KP_7] = KEY_KP7, [SDL_SCANCODE_KP_8] = KEY_KP8, [SDL_SCANCODE_KP_9] = KEY_KP9,
    [SDL_SCANCODE_KP_0] = KEY_KP0,
    [SDL_SCANCODE_KP_PERIOD] = KEY_KPDOT,
    [SDL_SCANCODE_KP_EQUALS] = KEY_KPEQUAL,
    [SDL_SCANCODE_KP_COMMA] = KEY_KPCOMMA,

    [SDL_SCANCODE_APPLICATION] = KEY_COMPOSE,       /* the Menu key */
    [SDL_SCANCODE_POWER] = KEY_POWER,
    [SDL_SCANCODE_MUTE] = KEY_MUTE,
    [SDL_SCANCODE_VOLUMEUP] = KEY_VOLUMEUP,
    [SDL_SCANCODE_VOLUMEDOWN] = KEY_VOLUMEDOWN,
    [SDL_SCANCODE_INTERNATIONAL1] = KEY_RO,
    [SDL_SCANCODE_INTERNATIONAL3] = KEY_YEN,

    [SDL_SCANCODE_LCTRL] = KEY_LEFTCTRL,
    [SDL_SCANCODE_LSHIFT] = KEY_LEFTSHIFT,
    [SDL_SCANCODE_LALT] = KEY_LEFTALT,
    [SDL_SCANCODE_LGUI] = KEY_LEFTMETA,
    [SDL_SCANCODE_RCTRL] = KEY_RIGHTCTRL,
    [SDL_SCANCODE_RSHIFT] = KEY_RIGHTSHIFT,
    [SDL_SCANCODE_RALT] = KEY_RIGHTALT,
    [SDL_SCANCODE_RGUI] = KEY_RIGHTMETA,
};

_Static_assert(KEYMAP_NUM_SCANCODES == SDL_NUM_SCANCODES, "SDL's scancode count changed");

uint16_t keymap_evdev(int sdl_scancode)
{
    if (sdl_scancode < 0 || sdl_scancode >= KEYMAP_NUM_SCANCODES)
        return 0;
    return sdl_to_evdev[sdl_scancode];
}

uint32_t keymap_abs(int pos, int start, int len)
{
    if (len <= 1)
        return 0;
    int64_t p = (int64_t)pos - start;
    if (p < 0)
        p = 0;
    if (p > len - 1)
        p = len - 1;
    return (uint32_t)(p * VINPUT_ABS_MAX / (len - 1));
}

/* QEMU's key names (qapi/ui.json's QKeyCode) and the evdev codes of those keys. */
static const struct {
    const char *name;
    uint16_t code;
} qcodes[] = {
    { "shift", KEY_LEFTSHIFT }, { "shift_r", KEY_RIGHTSHIFT }, { "alt", KEY_LEFTALT },
    { "alt_r", KEY_RIGHTALT }, { "ctrl", KEY_LEFTCTRL }, { "ctrl_r", KEY_RIGHTCTRL },
    { "menu", KEY_COMPOSE }, { "esc", KEY_ESC },
    { "1", KEY_1 }, { "2", KEY_2 }, { "3", KEY_3 }, { "4", KEY_4 }, { "5", KEY_5 },
    { "6", KEY_6 }, { "7", KEY_7 }, { "8", KEY_8 }, { "9", KEY_9 }, { "0", KEY_0 },
    { "minus", KEY_MINUS }, { "equal", KEY_EQUAL }, { "backspace", KEY_BACKSPACE },
    { "tab", KEY_TAB },
    { "q", KEY_Q }, { "w", KEY_W }, { "e", KEY_E }, { "r", KEY_R }, { "t", KEY_T },
    { "y", KEY_Y }, { "u", KEY_U }, { "i", KEY_I }, { "o", KEY_O }, { "p", KEY_P },
    { "bracket_left", KEY_LEFTBRACE }, { "bracket_right", KEY_RIGHTBRACE },
    { "ret", KEY_ENTER },
    { "a", KEY_A }, { "s", KEY_S }, { "d", KEY_D }, { "f", KEY_F }, { "g", KEY_G },
    { "h", KEY_H }, { "j", KEY_J }, { "k", KEY_K }, { "l", KEY_L },
    { "semicolon", KEY_SEMICOLON }, { "apostrophe", KEY_APOSTROPHE },
    { "grave_accent", KEY_GRAVE }, { "backslash", KEY_BACKSLASH },
    { "z", KEY_Z }, { "x", KEY_X }, { "c", KEY_C }, { "v", KEY_V }, { "b", KEY_B },
    { "n", KEY_N }, { "m", KEY_M },
    { "comma", KEY_COMMA }, { "dot", KEY_DOT }, { "slash", KEY_SLASH },
    { "asterisk", KEY_KPASTERISK }, { "spc", KEY_SPACE }, { "caps_lock", KEY_CAPSLOCK },
    { "f1", KEY_F1 }, { "f2", KEY_F2 }, { "f3", KEY_F3 }, { "f4", KEY_F4 }, { "f5", KEY_F5 },
    { "f6", KEY_F6 }, { "f7", KEY_F7 }, { "f8", KEY_F8 }, { "f9", KEY_F9 },
    { "f10", KEY_F10 }, { "f11", KEY_F11 }, { "f12", KEY_F12 },
    { "num_lock", KEY_NUMLOCK }, { "scroll_lock", KEY_SCROLLLOCK },
    { "kp_divide", KEY_KPSLASH }, { "kp_multiply", KEY_KPASTERISK },
    { "kp_subtract", KEY_KPMINUS }, { "kp_add", KEY_KPPLUS }, { "kp_enter", KEY_KPENTER },
    { "kp_decimal", KEY_KPDOT }, { "sysrq", KEY_SYSRQ },
    { "kp_0", KEY_KP0 }, { "kp_1", KEY_KP1 }, { "kp_2", KEY_KP2 }, { "kp_3", KEY_KP3 },
    { "kp_4", KEY_KP4 }, { "kp_5", KEY_KP5 }, { "kp_6", KEY_KP6 }, { "kp_7", KEY_KP7 },
    { "kp_8", KEY_KP8 }, { "kp_9", KEY_KP9 },
    { "less", KEY_102ND }, { "print", KEY_SYSRQ },
    { "home", KEY_HOME }, { "pgup", KEY_PAGEUP }, { "pgdn", KEY_PAGEDOWN }, { "end", KEY_END },
    { "left", KEY_LEFT }, { "up", KEY_UP }, { "down", KEY_DOWN }, { "right", KEY_RIGHT },
    { "insert", KEY_INSERT }, { "delete", KEY_DELETE },
    { "stop", KEY_STOP }, { "again", KEY_AGAIN }, { "props", KEY_PROPS }, { "undo", KEY_UNDO },
    { "front", KEY_FRONT }, { "copy", KEY_COPY }, { "open", KEY_OPEN }, { "paste", KEY_PASTE },
    { "find", KEY_FIND }, { "cut", KEY_CUT }, { "lf", KEY_LINEFEED }, { "help", KEY_HELP },
    { "meta_l", KEY_LEFTMETA }, { "meta_r", KEY_RIGHTMETA }, { "compose", KEY_COMPOSE },
    { "pause", KEY_PAUSE }, { "ro", KEY_RO }, { "hiragana", KEY_HIRAGANA },
    { "henkan", KEY_HENKAN }, { "yen", KEY_YEN }, { "muhenkan", KEY_MUHENKAN },
    { "katakanahiragana", KEY_KATAKANAHIRAGANA }, { "kp_comma", KEY_KPCOMMA },
    { "kp_equals", KEY_KPEQUAL }, { "power", KEY_POWER }, { "sleep", KEY_SLEEP },
    { "wake", KEY_WAKEUP }, { "audionext", KEY_NEXTSONG }, { "audioprev", KEY_PREVIOUSSONG },
    { "audiostop", KEY_STOPCD }, { "audioplay", KEY_PLAYPAUSE }, { "audiomute", KEY_MUTE },
    { "volumeup", KEY_VOLUMEUP }, { "volumedown", KEY_VOLUMEDOWN },
    { "mediaselect", KEY_MEDIA }, { "mail", KEY_MAIL }, { "calculator", KEY_CALC },
    { "computer", KEY_COMPUTER }, { "ac_home", KEY_HOMEPAGE }, { "ac_back", KEY_BACK },
    { "ac_forward", KEY_FORWARD }, { "ac_refresh", KEY_REFRESH },
    { "ac_bookmarks", KEY_BOOKMARKS }, { "lang1", KEY_HANGEUL }, { "lang2", KEY_HANJA },
    { "f13", KEY_F13 }, { "f14", KEY_F14 }, { "f15", KEY_F15 }, { "f16", KEY_F16 },
    { "f17", KEY_F17 }, { "f18", KEY_F18 }, { "f19", KEY_F19 }, { "f20", KEY_F20 },
    { "f21", KEY_F21 }, { "f22", KEY_F22 }, { "f23", KEY_F23 }, { "f24", KEY_F24 },
};

uint16_t keymap_qcode(const char *name)
{
    for (size_t i = 0; i < sizeof qcodes / sizeof qcodes[0]; i++)
        if (!strcmp(qcodes[i].name, name))
            return qcodes[i].code;
    return 0;
}
