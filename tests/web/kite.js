#!/usr/bin/env node
/*
 * kite.js WEBDIR ARTIFACTS: rvbox's web page (scripts/web.sh's output in WEBDIR), served
 * on 127.0.0.1 by a small static server of its own, in headless Chromium (Debian's,
 * driven by puppeteer-core; never a browser puppeteer would download):
 *   - Kite boots on load: its banner and prompt appear in the terminal;
 *   - commands typed into the terminal run: ls, echo hi > f, cat f;
 *   - the canvas shows Kite's console: not blank (a PNG of it goes to ARTIFACTS);
 *   - an idle Kite costs the page (almost) no CPU;
 *   - after a reload, f is still there (its disk chunks were kept in IndexedDB);
 *   - the pristine-disk button forgets it; Ctrl-A x stops the machine, Reset boots it.
 * Exit 0 when all hold; 1 with the terminal's text when one does not.
 */
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const [webDir, artifacts] = process.argv.slice(2);
const top = path.resolve(__dirname, '../..');
const puppeteer = require(path.join(top, 'web/node_modules/puppeteer-core'));
const CHROMIUM = process.env.RVBOX_CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 60000;                  // the longest any one step may take

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
                '.wasm': 'application/wasm' };

// The page and its files, from webDir only, on 127.0.0.1 at a port the system picks.
function serve(dir) {
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(dir, path.normalize(name === '/' ? '/index.html' : name));
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// A check that failed: main's `finally` closes the browser, then the message is printed
// with what the terminal showed.
class Failure extends Error {}
let page;
async function fail(why) {
  let text = '(no page)';
  try {
    text = await page.evaluate(() => window.rvbox.screenText());
  } catch (e) { /* the page is gone */ }
  throw new Failure(`FAIL: ${why}\n---- the terminal:\n${text}`);
}

// Wait until the terminal's text, from `from` lines on, matches `re`.
async function waitText(re, what, from = 0) {
  try {
    await page.waitForFunction((src, flags, from) => {
      const lines = window.rvbox.screenText().split('\n').slice(from).join('\n');
      return new RegExp(src, flags).test(lines);
    }, { timeout: STEP_MS, polling: 100 }, re.source, re.flags, from);
  } catch (e) {
    await fail(`${what}: /${re.source}/ never appeared (${e.message.split('\n')[0]})`);
  }
}

// The number of lines the terminal holds now: where the next command's output starts.
const lineCount = () => page.evaluate(() => window.rvbox.screenText().split('\n').length - 1);

// Type a command into the terminal as a person would, and wait for the next prompt.
async function run(command, expect, what) {
  const from = await lineCount();
  await page.focus('#terminal textarea');
  await page.keyboard.type(command, { delay: 5 });
  await page.keyboard.press('Enter');
  await waitText(new RegExp(`${expect.source}[\\s\\S]*kite\\$ ?$`, 'm'), what, from);
}

// Kite's banner, then its prompt, from line `from` on.
async function booted(what, from = 0) {
  await waitText(/Kite 0\.1: 128 MiB RAM, 800x600 framebuffer/, `${what}: Kite's banner`, from);
  await waitText(/Kite 0\.1: [\s\S]*kite\$ ?$/, `${what}: the shell's prompt`, from);
}

async function main() {
  const server = await serve(path.resolve(webDir));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rvbox-web-'));
  fs.mkdirSync(artifacts, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run',
           '--disable-dev-shm-usage'],
  });
  try {
    page = await browser.newPage();
    await page.setViewport({ width: 1600, height: 1000 });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:'))
        errors.push(`fetched from elsewhere: ${r.url()}`);
    });

    await page.goto(url);
    await booted('first load');
    console.log('ok: Kite booted in the page');

    await run('ls', /cat[\s\S]*README/, 'ls lists the disk');
    await run('echo hi > f', /echo hi > f/, 'echo hi > f');
    await run('cat f', /cat f\r?\nhi/, 'cat f says hi');
    console.log('ok: ls, echo hi > f, cat f');

    await page.screenshot({ path: path.join(artifacts, 'page.png') });
    // The canvas: Kite's console drawn there too. Not blank: pixels of another colour
    // than the background (the commonest), in the banner's rows at the top and in all.
    const shot = await page.evaluate(() => {
      const c = document.getElementById('screen');
      const d = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height)
                                 .data.buffer);
      const count = new Map();
      for (const p of d)
        count.set(p, (count.get(p) || 0) + 1);
      const background = [...count.entries()].sort((a, b) => b[1] - a[1])[0][0];
      let text = 0, banner = 0;
      for (let i = 0; i < d.length; i++)
        if (d[i] !== background) {
          text++;
          if (i < c.width * 32)
            banner++;
        }
      return { width: c.width, height: c.height, colours: count.size, text, banner,
               png: c.toDataURL('image/png') };
    });
    fs.writeFileSync(path.join(artifacts, 'canvas.png'),
                     Buffer.from(shot.png.split(',')[1], 'base64'));
    if (shot.width !== 800 || shot.height !== 600 || shot.text < 3000 || shot.banner < 500)
      await fail(`the canvas looks blank: ${JSON.stringify({ ...shot, png: undefined })}`);
    console.log(`ok: the canvas shows Kite's console (${shot.text} text pixels, ` +
                `${shot.banner} in the banner's rows; ${artifacts}/canvas.png)`);
    // Keys typed on the canvas go to the guest's virtio keyboard; Kite echoes them on
    // its consoles, the serial one included.
    let from = await lineCount();
    await page.click('#screen');
    await page.keyboard.type('echo kb', { delay: 20 });
    await page.keyboard.press('Enter');
    await waitText(/echo kb\r?\nkb[\s\S]*kite\$ ?$/, 'a command typed on the canvas', from);
    console.log('ok: keys on the canvas reach the guest\'s keyboard');

    // The Screenshot and Save disk buttons download a PNG and the disk image.
    const downloads = path.join(artifacts, 'downloads');
    fs.rmSync(downloads, { recursive: true, force: true });
    fs.mkdirSync(downloads);
    const cdp = await browser.target().createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.click('#screenshot');
    await page.click('#savedisk');
    const png = path.join(downloads, 'rvbox-screen.png'), img = path.join(downloads, 'rvbox-disk.img');
    for (let i = 0; i < 100 && !(fs.existsSync(png) && fs.existsSync(img)); i++)
      await new Promise((r) => setTimeout(r, 100));
    if (!fs.existsSync(png) || fs.readFileSync(png).subarray(1, 4).toString() !== 'PNG')
      await fail('the Screenshot button gave no PNG');
    if (!fs.existsSync(img) || fs.statSync(img).size !== 2 << 20 ||
        !fs.readFileSync(img).includes('hi\n'))
      await fail('the Save disk button gave no 2 MiB disk holding f');
    console.log('ok: Screenshot downloads a PNG, Save disk the disk image');

    // Idle: the page's main thread busy less than 10% of two seconds.
    const busy = async () => (await page.metrics()).TaskDuration;
    const b0 = await busy();
    await new Promise((r) => setTimeout(r, 2000));
    const idle = (await busy() - b0) / 2;
    if (idle > 0.10)
      await fail(`an idle Kite keeps the page ${(idle * 100).toFixed(0)}% busy`);
    console.log(`ok: idle Kite: the page busy ${(idle * 100).toFixed(1)}% of the time`);

    // The disk's changes kept across a reload.
    try {
      await page.waitForFunction(() => window.rvbox.state.saves > 0 &&
                                       !window.rvbox.state.pendingSave,
                                 { timeout: STEP_MS, polling: 100 });
    } catch (e) {
      await fail('the disk\'s changes were never kept');
    }
    await page.reload();
    await booted('after the reload');
    await run('cat f', /cat f\r?\nhi/, 'f is still there after the reload');
    console.log('ok: f kept across a reload');

    // Back to the pristine disk: f is gone.
    await page.click('#pristine');
    await waitText(/back to the pristine disk/, 'the pristine button');
    from = await lineCount();
    await waitText(/kite\$ ?$/m, 'the prompt on the pristine disk', from);
    await run('cat f', /cat f\r?\n(?!hi)\S/, 'f is gone on the pristine disk');
    console.log('ok: the pristine disk has no f');

    // Load disk: the image saved above, through the file picker; f is back.
    from = await lineCount();
    const [chooser] = await Promise.all([page.waitForFileChooser(), page.click('label.button')]);
    await chooser.accept([img]);
    await booted('on the loaded disk', from);
    await run('cat f', /cat f\r?\nhi/, 'f is on the loaded disk');
    console.log('ok: Load disk boots on the saved image');

    // Ctrl-A x stops the machine; Reset boots it again.
    await page.focus('#terminal textarea');
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.press('KeyX');
    try {
      await page.waitForFunction(() => window.rvbox.state.lastRun &&
                                       window.rvbox.state.lastRun.why === 'stopped',
                                 { timeout: STEP_MS, polling: 100 });
    } catch (e) {
      await fail('Ctrl-A x did not stop the machine');
    }
    const from2 = await lineCount();
    await page.click('#reset');
    await waitText(/Kite 0\.1: 128 MiB RAM/, 'Reset after Ctrl-A x', from2);
    console.log('ok: Ctrl-A x stops, Reset boots again');

    if (errors.length)
      await fail(`the page reported: ${errors.join('; ')}`);

    // ?kernel= names an image served beside the page; one that is not there is said so.
    await page.goto(url + '?kernel=no-such.elf');
    try {
      await page.waitForFunction(() => /no-such\.elf: 404/.test(window.rvbox.state.error || ''),
                                 { timeout: STEP_MS, polling: 100 });
    } catch (e) {
      await fail('?kernel= with a missing image: no error shown');
    }
    console.log('ok: ?kernel= naming a missing image says so');
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log('web.kite: all passed');
}

main().catch((e) => {
  console.log(e instanceof Failure ? e.message : `FAIL: ${e.stack || e}`);
  process.exit(1);
});
