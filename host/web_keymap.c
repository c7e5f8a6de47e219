#include "host/web_keymap.h"

#include <string.h>

/* evdev codes (linux/input-event-codes.h, which WebAssembly builds do not have) of the
 * letters A to Z and the digits 0 to 9. */
static const uint8_t letters[26] = {
    30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50,    /* A .. M */
    49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44,    /* N .. Z */
};
static const uint8_t digits[10] = { 11, 2, 3, 4, 5, 6, 7, 8, 9, 10 };   /* 0 .. 9 */

/* The other keys of a PC keyboard, by KeyboardEvent.code, with the evdev name beside. */
static const struct {
    const char *code;
    uint16_t evdev;
} keys[] = {
    { "Escape", 1 },            /* KEY_ESC */
    { "Minus", 12 },            /* KEY_MINUS */
    { "Equal", 13 },            /* KEY_EQUAL */
    { "Backspace", 14 },        /* KEY_BACKSPACE */
    { "Tab", 15 },              /* KEY_TAB */
    { "BracketLeft", 26 },      /* KEY_LEFTBRACE */
    { "BracketRight", 27 },     /* KEY_RIGHTBRACE */
    { "Enter", 28 },            /* KEY_ENTER */
    { "ControlLeft", 29 },      /* KEY_LEFTCTRL */
    { "Semicolon", 39 },        /* KEY_SEMICOLON */
    { "Quote", 40 },            /* KEY_APOSTROPHE */
    { "Backquote", 41 },        /* KEY_GRAVE */
    { "ShiftLeft", 42 },        /* KEY_LEFTSHIFT */
    { "Backslash", 43 },        /* KEY_BACKSLASH */
    { "Comma", 51 },            /* KEY_COMMA */
    { "Period", 52 },           /* KEY_DOT */
    { "Slash", 53 },            /* KEY_SLASH */
    { "ShiftRight", 54 },       /* KEY_RIGHTSHIFT */
    { "NumpadMultiply", 55 },   /* KEY_KPASTERISK */
    { "AltLeft", 56 },          /* KEY_LEFTALT */
    { "Space", 57 },            /* KEY_SPACE */
    { "CapsLock", 58 },         /* KEY_CAPSLOCK */
    { "F1", 59 }, { "F2", 60 }, { "F3", 61 }, { "F4", 62 }, { "F5", 63 },
    { "F6", 64 }, { "F7", 65 }, { "F8", 66 }, { "F9", 67 }, { "F10", 68 },
    { "NumLock", 69 },          /* KEY_NUMLOCK */
    { "ScrollLock", 70 },       /* KEY_SCROLLLOCK */
    { "Numpad7", 71 }, { "Numpad8", 72 }, { "Numpad9", 73 },
    { "NumpadSubtract", 74 },   /* KEY_KPMINUS */
    { "Numpad4", 75 }, { "Numpad5", 76 }, { "Numpad6", 77 },
    { "NumpadAdd", 78 },        /* KEY_KPPLUS */
    { "Numpad1", 79 }, { "Numpad2", 80 }, { "Numpad3", 81 }, { "Numpad0", 82 },
    { "NumpadDecimal", 83 },    /* KEY_KPDOT */
    { "IntlBackslash", 86 },    /* KEY_102ND */
    { "F11", 87 }, { "F12", 88 },
    { "IntlRo", 89 },           /* KEY_RO */
    { "NumpadEnter", 96 },      /* KEY_KPENTER */
    { "ControlRight", 97 },     /* KEY_RIGHTCTRL */
    { "NumpadDivide", 98 },     /* KEY_KPSLASH */
    { "PrintScreen", 99 },      /* KEY_SYSRQ */
    { "AltRight", 100 },        /* KEY_RIGHTALT */
    { "Home", 102 },            /* KEY_HOME */
    { "ArrowUp", 103 },         /* KEY_UP */
    { "PageUp", 104 },          /* KEY_PAGEUP */
    { "ArrowLeft", 105 },       /* KEY_LEFT */
    { "ArrowRight", 106 },      /* KEY_RIGHT */
    { "End", 107 },             /* KEY_END */
    { "ArrowDown", 108 },       /* KEY_DOWN */
    { "PageDown", 109 },        /* KEY_PAGEDOWN */
    { "Insert", 110 },          /* KEY_INSERT */
    { "Delete", 111 },          /* KEY_DELETE */
    { "NumpadEqual", 117 },     /* KEY_KPEQUAL */
    { "Pause", 119 },           /* KEY_PAUSE */
    { "NumpadComma", 121 },     /* KEY_KPCOMMA */
    { "IntlYen", 124 },         /* KEY_YEN */
    { "MetaLeft", 125 },        /* KEY_LEFTMETA */
    { "MetaRight", 126 },       /* KEY_RIGHTMETA */
    { "ContextMenu", 127 },     /* KEY_COMPOSE */
};

uint16_t web_keymap_evdev(const char *code)
{
    if (!code)
        return 0;
    /* "KeyA" .. "KeyZ", "Digit0" .. "Digit9" */
    if (!strncmp(code, "Key", 3) && code[3] >= 'A' && code[3] <= 'Z' && !code[4])
        return letters[code[3] - 'A'];
    if (!strncmp(code, "Digit", 5) && code[5] >= '0' && code[5] <= '9' && !code[6])
        return digits[code[5] - '0'];
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(code, keys[i].code))
            return keys[i].evdev;
    return 0;
}
