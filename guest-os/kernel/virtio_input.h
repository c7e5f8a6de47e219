/* The virtio keyboard: key events from rvbox's window, turned into characters. */
#ifndef KITE_VIRTIO_INPUT_H
#define KITE_VIRTIO_INPUT_H

/* Find the virtio-input keyboard (the slot whose name says keyboard, or the first input
 * device): 0, or -1 if there is none. */
int vinput_init(void);
int vinput_irq(void);               /* its PLIC source, -1 without one */
void vinput_intr(void);             /* key presses go to console_input() */

#endif
