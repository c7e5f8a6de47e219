#!/usr/bin/env node
/*
 * bench.js WEBDIR ELF...: tests/bench's compute programs (their -virt ELFs: UART and the
 * syscon, under -bios none) in rvbox's web page, in headless Chromium, as
 * `?bios=none&kernel=ELF`. For each, one line:
 *   NAME ms=<page's run time> instret=<from the BENCH line> checksum=0x...
 * The run time is the page's own (host/web_main.c: from building the machine to the
 * guest's power-off), so it leaves out loading the page and compiling the WebAssembly.
 */
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const [webDir, ...elfs] = process.argv.slice(2);
const top = path.resolve(__dirname, '../..');
const puppeteer = require(path.join(top, 'web/node_modules/puppeteer-core'));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
                '.wasm': 'application/wasm' };

// webDir at /, each ELF at /bench/NAME.
function serve() {
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const elf = elfs.find((e) => name === '/bench/' + path.basename(e));
    const file = elf || path.join(webDir, path.normalize(name === '/' ? '/index.html' : name));
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  webDir && elfs.length || (console.error('usage: bench.js WEBDIR ELF...'), process.exit(2));
  const server = await serve();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rvbox-bench-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.RVBOX_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  let status = 0;
  try {
    for (const elf of elfs) {
      const page = await browser.newPage();
      const url = `http://127.0.0.1:${server.address().port}/?bios=none&disk=none&` +
                  `kernel=bench/${path.basename(elf)}`;
      await page.goto(url);
      await page.waitForFunction(() => window.rvbox.state.lastRun || window.rvbox.state.error,
                                 { timeout: 900000, polling: 500 });
      const r = await page.evaluate(() => ({ run: window.rvbox.state.lastRun,
                                             error: window.rvbox.state.error,
                                             text: window.rvbox.screenText() }));
      const line = (r.text.match(/^BENCH .*$/m) || [''])[0];
      if (r.error || !line || r.run.code !== 0) {
        console.log(`${path.basename(elf)} FAILED: ${r.error || JSON.stringify(r.run)}\n${r.text}`);
        status = 1;
      } else {
        console.log(`${path.basename(elf)} ms=${r.run.ms.toFixed(0)} ` +
                    line.replace(/^BENCH /, '').replace(/ cycle=\S+/, ''));
      }
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.exit(status);
}

main().catch((e) => { console.error(e); process.exit(1); });
