// Runs inside the bbb-capture image: starts Chromium through the image's own launchBrowser, opens a
// page, and prints as JSON what the kernel says about its processes — whether any was started with
// --no-sandbox and whether the renderers live in a user namespace of their own (Chromium's
// namespace sandbox, the layer that isolates a renderer a hostile page took over).
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { launchBrowser } from '/opt/bbb-capture/dist/browser/launch-browser.js';

const browser = await launchBrowser({
  executablePath: process.env.BBB_CAPTURE_CHROMIUM ?? '/usr/bin/chromium',
  runningAsRoot: process.getuid() === 0,
});
const page = await browser.newPage();
await page.setContent('<p>probe</p>');
const ownUserNs = readlinkSync('/proc/self/ns/user');
const processes = [];
for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
  try {
    // Chromium's children rewrite their command line into one space-separated string.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]+/);
    if (!/chrom/.test(args[0] ?? '')) continue;
    processes.push({
      type: args.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser',
      noSandbox: args.includes('--no-sandbox'),
      ownUserNamespace: readlinkSync(`/proc/${pid}/ns/user`) !== ownUserNs,
    });
  } catch {
    // a process that ended while we looked
  }
}
await browser.close();
const renderers = processes.filter((p) => p.type === 'renderer');
console.log(
  JSON.stringify({
    processes: processes.length,
    noSandbox: processes.some((p) => p.noSandbox),
    renderers: renderers.length,
    renderersInOwnUserNamespace: renderers.length > 0 && renderers.every((p) => p.ownUserNamespace),
  }),
);
