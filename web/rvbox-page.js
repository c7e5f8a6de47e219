/*
 * The page around rvbox's WebAssembly build (host/web_main.c): fetches the images the URL
 * names (?kernel=, ?bios=, ?disk=: files served from this page's origin; Kite, its disk
 * and the firmware are embedded in rvbox.js), loads the disk's changes this browser kept
 * (IndexedDB), starts rvbox, and from then on:
 *   - runs the machine when rvbox asks (rvboxSchedule: at once, or after the time the
 *     guest sleeps), and at once when there is input for it;
 *   - shows the serial console in a terminal (xterm.js) and the framebuffer on a canvas;
 *   - sends the canvas's keys and pointer to the guest's keyboard and tablet;
 *   - keeps the chunks of the disk the guest wrote in IndexedDB, and lays them over the
 *     same pristine image at the next visit;
 *   - serves the buttons: reset, power off, screenshot, save disk, load disk, pristine.
 * window.rvbox exposes the state the tests read (tests/web).
 */
'use strict';

(function () {
  const CHUNK = 65536;                  // host/web_disk.h's WEB_DISK_CHUNK
  const SAVE_DELAY_MS = 300;            // gather a burst of writes into one save
  const DB_NAME = 'rvbox', STORE = 'chunks';

  const params = new URLSearchParams(location.search);
  const statusEl = document.getElementById('status');
  const canvas = document.getElementById('screen');
  const ctx = canvas.getContext('2d');
  const encoder = new TextEncoder();

  const state = {
    saves: 0,               // completed saves of disk chunks
    savedChunks: 0,
    pendingSave: false,
    lastRun: null,          // how the last run ended: {why, code, ms, instructions}
    error: null,
    running: false,
  };
  let db = null;
  let disk = null;          // {source, persist, hash, size}: the disk rvbox runs on
  let kept = [];            // chunk records of this page's disk source, from IndexedDB
  let diskSource = null, diskPersist = false;

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? 'error' : '';
  }

  // ---- the terminal ----
  const term = new Terminal({ cols: 80, rows: 30, scrollback: 2000, fontSize: 14,
                              convertEol: false });
  term.open(document.getElementById('terminal'));
  function typed(text) {
    const bytes = typeof text === 'string' ? encoder.encode(text)
                                           : Uint8Array.from(text, (c) => c.charCodeAt(0));
    if (!Module.calledRun || bytes.length === 0)
      return;
    Module.ccall('web_console_input', null, ['array', 'number'], [bytes, bytes.length]);
    wake();
  }
  term.onData(typed);
  term.onBinary((data) => typed(Array.from(data)));

  // ---- running the machine when rvbox asks ----
  // A message to ourselves runs after the events already queued, without the 4 ms that
  // browsers add to chained zero timeouts; rendering happens between such tasks.
  const channel = new MessageChannel();
  let timer = null, posted = false;
  function turns() {
    timer = null;
    posted = false;
    Module._web_turns();
  }
  channel.port1.onmessage = () => { if (posted) turns(); };
  function schedule(ms) {
    if (timer !== null)
      clearTimeout(timer);
    timer = null;
    if (ms <= 0) {
      if (!posted) {
        posted = true;
        channel.port2.postMessage(0);
      }
    } else {
      posted = false;
      timer = setTimeout(turns, ms);
    }
  }
  function wake() {
    if (state.running)
      schedule(0);
  }

  // ---- the canvas ----
  function displaySize(width, height) {
    canvas.width = width;
    canvas.height = height;
  }
  function displayRows(ptr, width, y0, y1) {
    const rows = new Uint8ClampedArray(Module.HEAPU8.buffer, ptr, width * (y1 - y0) * 4);
    ctx.putImageData(new ImageData(rows, width, y1 - y0), 0, y0);
  }
  canvas.addEventListener('keydown', (e) => {
    e.preventDefault();
    if (!e.repeat)
      key(e.code, 1);
  });
  canvas.addEventListener('keyup', (e) => {
    e.preventDefault();
    key(e.code, 0);
  });
  canvas.addEventListener('blur', () => {
    if (Module.calledRun) {
      Module._web_display_release_all();
      wake();
    }
  });
  function key(code, down) {
    if (!Module.calledRun)
      return;
    Module.ccall('web_display_key', null, ['string', 'number'], [code, down]);
    wake();
  }
  function pointer(e) {
    const r = canvas.getBoundingClientRect();
    Module._web_display_pointer((e.clientX - r.left) / Math.max(1, r.width - 1),
                                (e.clientY - r.top) / Math.max(1, r.height - 1));
  }
  const buttonOf = [0, 2, 1];           // DOM: left, middle, right; guest: left, right, middle
  canvas.addEventListener('mousemove', (e) => {
    if (Module.calledRun) {
      pointer(e);
      wake();
    }
  });
  for (const [type, down] of [['mousedown', 1], ['mouseup', 0]])
    canvas.addEventListener(type, (e) => {
      if (!Module.calledRun || e.button > 2)
        return;
      canvas.focus();
      pointer(e);
      Module._web_display_button(buttonOf[e.button], down);
      wake();
    });
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());

  // ---- the disk kept in IndexedDB ----
  // Records {source, hash, index, data}: chunk `index` of the disk first seen as the
  // image `source` (a URL, or "kite" for the embedded one) whose pristine bytes hash to
  // `hash`. A changed image (a new build) has another hash: its old chunks are not laid
  // over it, and are dropped.
  function request(r) {
    return new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  async function openDb() {
    if (!window.indexedDB)
      return null;
    const r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = () => {
      const store = r.result.createObjectStore(STORE, { keyPath: ['source', 'index'] });
      store.createIndex('source', 'source');
    };
    return request(r);
  }
  async function loadKept(source) {
    if (!db)
      return [];
    const tx = db.transaction(STORE, 'readonly');
    return request(tx.objectStore(STORE).index('source').getAll(IDBKeyRange.only(source)));
  }
  async function forget(source) {
    if (!db)
      return;
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const keys = await request(store.index('source').getAllKeys(IDBKeyRange.only(source)));
    for (const k of keys)
      store.delete(k);
    await new Promise((resolve) => { tx.oncomplete = resolve; tx.onerror = resolve; });
  }
  function fnv1a(bytes) {
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++)
      h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h.toString(16) + ':' + bytes.length;
  }
  // rvbox made a new disk from its image: before the machine boots, lay the kept
  // chunks of that same image over it.
  function diskReady(ptr, size) {
    const bytes = Module.HEAPU8.subarray(ptr, ptr + size);
    disk = { source: diskSource, persist: diskPersist && !!db, hash: fnv1a(bytes), size };
    diskSource = 'upload';                // whatever comes next comes from the file picker
    diskPersist = false;
    let laid = 0;
    for (const rec of kept) {
      if (rec.hash !== disk.hash || rec.index * CHUNK >= size)
        continue;
      Module.HEAPU8.set(new Uint8Array(rec.data).subarray(0, size - rec.index * CHUNK),
                        ptr + rec.index * CHUNK);
      laid++;
    }
    const stale = kept.filter((rec) => rec.hash !== disk.hash);
    if (stale.length && db) {
      const tx = db.transaction(STORE, 'readwrite');
      for (const rec of stale)
        tx.objectStore(STORE).delete([rec.source, rec.index]);
    }
    kept = [];
    if (laid)
      term.write(`\x1b[2m[rvbox: ${laid} changed chunk(s) of the disk restored from this browser]\x1b[0m\r\n`);
  }
  function diskWritten() {
    if (!disk || !disk.persist || state.pendingSave)
      return;
    state.pendingSave = true;
    setTimeout(save, SAVE_DELAY_MS);
  }
  // Take the chunks written since the last save from rvbox and store them.
  function save() {
    state.pendingSave = false;
    if (!disk || !disk.persist)
      return;
    const max = 256, buf = Module._malloc(max * 4);
    const records = [];
    for (;;) {
      const n = Module._web_disk_dirty(buf, max);
      const ptr = Module._web_disk_pointer();
      for (let i = 0; i < n; i++) {
        const index = Module.HEAPU32[(buf >> 2) + i];
        const start = ptr + index * CHUNK, end = Math.min(start + CHUNK, ptr + disk.size);
        records.push({ source: disk.source, hash: disk.hash, index,
                       data: Module.HEAPU8.slice(start, end).buffer });
      }
      if (n < max)
        break;
    }
    Module._free(buf);
    if (records.length === 0)
      return;
    const tx = db.transaction(STORE, 'readwrite');
    for (const rec of records)
      tx.objectStore(STORE).put(rec);
    tx.oncomplete = () => {
      state.saves++;
      state.savedChunks += records.length;
      setStatus(`${state.running ? 'running' : 'stopped'}; disk changes kept in this browser`);
    };
    tx.onerror = () => setStatus('could not keep the disk changes: ' + tx.error, true);
  }
  // ---- the buttons ----
  function download(blob, name) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }
  document.getElementById('reset').onclick = () => Module.calledRun && Module._web_reset();
  document.getElementById('poweroff').onclick = () => Module.calledRun && Module._web_power_off();
  document.getElementById('screenshot').onclick = () =>
    canvas.toBlob((blob) => download(blob, 'rvbox-screen.png'), 'image/png');
  document.getElementById('savedisk').onclick = () => {
    const ptr = Module._web_disk_pointer(), len = Module._web_disk_length();
    if (ptr)
      download(new Blob([Module.HEAPU8.slice(ptr, ptr + len)]), 'rvbox-disk.img');
  };
  document.getElementById('loaddisk').onchange = async (e) => {
    const file = e.target.files[0];
    if (!file)
      return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    Module.FS.writeFile('/images/upload.img', bytes);
    save();                               // what the old disk has not stored yet
    diskSource = 'upload';                // an uploaded disk's changes are not kept
    diskPersist = false;
    Module.ccall('web_use_disk', 'number', ['string'], ['/images/upload.img']);
    e.target.value = '';
  };
  document.getElementById('pristine').onclick = async () => {
    if (!disk || disk.source === 'upload')
      return;
    const source = disk.source, path = pristinePath;
    await forget(source);
    kept = [];
    diskSource = source;
    diskPersist = true;
    Module.ccall('web_use_disk', 'number', ['string'], [path]);
    term.write('\x1b[2m[rvbox: back to the pristine disk]\x1b[0m\r\n');
  };

  // ---- starting ----
  let pristinePath = '/rvbox/kite-disk.img';
  // Only what this page's own origin serves: nothing is fetched from elsewhere.
  async function fetchImage(name) {
    const url = new URL(params.get(name), location.href);
    if (url.origin !== location.origin)
      throw new Error(`?${name}=${params.get(name)}: not served from this page's origin`);
    const r = await fetch(url);
    if (!r.ok)
      throw new Error(`?${name}=${url.pathname}: ${r.status} ${r.statusText}`);
    return { url: url.href, bytes: new Uint8Array(await r.arrayBuffer()) };
  }

  async function start() {
    const args = [], files = {};
    diskSource = 'kite';
    for (const name of ['kernel', 'bios', 'disk']) {
      const value = params.get(name);
      if (value === null)
        continue;
      if (value === 'none' && name !== 'kernel') {
        args.push('--' + name, 'none');
        continue;
      }
      const img = await fetchImage(name);
      files[name] = img.bytes;
      args.push('--' + name, '/images/' + name);
      if (name === 'disk') {
        diskSource = img.url;
        pristinePath = '/images/disk';
      }
    }
    if (params.get('accel'))
      args.push('--accel', params.get('accel'));
    diskPersist = params.get('persist') !== '0';
    try {
      db = await openDb();
    } catch (e) {
      db = null;                          // private browsing may refuse: run without
    }
    kept = diskPersist && db ? await loadKept(diskSource) : [];
    Object.assign(Module, {
      arguments: args,
      preRun: [() => {
        Module.FS.mkdir('/images');
        for (const [name, bytes] of Object.entries(files))
          Module.FS.writeFile('/images/' + name, bytes);
      }],
      onRuntimeInitialized: () => { state.running = true; },
    });
    const script = document.createElement('script');
    script.src = 'rvbox.js';
    document.body.appendChild(script);
  }

  const Module = window.Module = {
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    rvboxSchedule: schedule,
    rvboxConsoleWrite: (bytes) => term.write(bytes),
    rvboxDisplaySize: displaySize,
    rvboxDisplayRows: displayRows,
    rvboxDiskReady: diskReady,
    rvboxDiskWritten: diskWritten,
    rvboxState: (text) => {
      state.running = text === 'running';
      setStatus(text);
    },
    rvboxStopped: (why, code, ms, instructions) => {
      state.running = false;
      state.lastRun = { why, code, ms, instructions };
      setStatus(why === 'powered off' && code ? `${why} (guest exit code ${code})` : why);
      if (disk && disk.persist)
        diskWritten();                    // the flush at the end
    },
    rvboxError: (msg) => {
      state.error = msg;
      setStatus(msg, true);
      term.write(`\r\n\x1b[31mrvbox: ${msg}\x1b[0m\r\n`);
    },
  };

  // What tests (tests/web) read: the terminal's text and the page's state.
  window.rvbox = {
    state,
    screenText() {                        // up to the cursor's line
      const buf = term.buffer.active, lines = [];
      for (let i = 0; i <= buf.baseY + buf.cursorY; i++)
        lines.push(buf.getLine(i).translateToString(true));
      return lines.join('\n');
    },
    typed,
  };

  start().catch((e) => Module.rvboxError(e.message));
})();
