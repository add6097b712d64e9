#!/usr/bin/env node
// Runs the browser scenarios (scenarios/*.mjs, in file-name order) against a running instance
// with one Chromium, a fresh browser context per scenario. Prints one JSON report on stdout;
// exits 0 when every scenario passed, 1 when one failed, 2 when the run could not start.
//
//   node tests/e2e/run.mjs --base http://localhost:8080/ --fixture fixture.json \
//        [--shots target/e2e-screenshots] [--only name,name] [--chromium /usr/bin/chromium]
//
// tests/integration/browser.rs starts the instance, writes the fixture and runs this.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { T } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    fixture: { type: 'string' },
    shots: { type: 'string' },
    only: { type: 'string' },
    chromium: { type: 'string', default: process.env.PASSERELLE_E2E_CHROMIUM || '/usr/bin/chromium' },
    timeout: { type: 'string', default: '180' },
  },
});

function fatal(message) {
  process.stdout.write(JSON.stringify({ ok: false, fatal: message }) + '\n');
  process.stderr.write(`e2e: ${message}\n`);
  process.exit(2);
}

if (!args.base) fatal('--base <instance URL> is required');
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  fatal(`playwright-core is not installed (${e.message}); install it with: cd tests/e2e && npm ci (bash .ci/run does this)`);
}
const fixture = args.fixture ? JSON.parse(readFileSync(args.fixture, 'utf8')) : {};
const only = args.only ? new Set(args.only.split(',')) : null;

// Every scenario file: `export const name`, `export const about`, `export default async (t) => {}`.
const files = readdirSync(join(here, 'scenarios')).filter((f) => f.endsWith('.mjs')).sort();
const scenarios = [];
for (const f of files) {
  const mod = await import(pathToFileURL(join(here, 'scenarios', f)).href);
  if (typeof mod.default !== 'function' || !mod.name) fatal(`scenarios/${f} must export a name and a default async function`);
  if (scenarios.some((s) => s.name === mod.name)) fatal(`two scenarios are named ${mod.name}`);
  scenarios.push({ file: f, name: mod.name, about: mod.about ?? '', run: mod.default });
}

let browser;
try {
  browser = await chromium.launch({
    executablePath: args.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
} catch (e) {
  fatal(`cannot start Chromium at ${args.chromium} (${e.message.split('\n')[0]}); install it with: apt-get install -y chromium (bash .ci/run does this)`);
}

const started = Date.now();
const results = [];
const screenshots = [];
for (const s of scenarios) {
  if (only && !only.has(s.name)) continue;
  const t = new T({ browser, base: args.base, fixture, shots: args.shots, name: s.name });
  const t0 = Date.now();
  let error = null;
  let timer;
  try {
    await Promise.race([
      s.run(t),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${args.timeout} s`)), Number(args.timeout) * 1000);
      }),
    ]);
    if (t.problems.length) error = `unexpected in the browser: ${t.problems.join(' | ')}`;
  } catch (e) {
    error = e.name === 'CheckFailed' ? e.message : (e.stack || String(e)).split('\n').slice(0, 6).join('\n');
    if (t.problems.length) error += ` (also: ${t.problems.join(' | ')})`;
  } finally {
    clearTimeout(timer);
  }
  await t.close();
  screenshots.push(...t.screenshots);
  const ms = Date.now() - t0;
  results.push({ name: s.name, about: s.about, ok: !error, ms, error, last_step: error ? t.steps.at(-1) ?? null : undefined, steps: t.steps.length });
  process.stderr.write(`e2e: ${error ? 'FAIL' : 'ok  '} ${s.name} (${ms} ms)${error ? `\n      at step: ${t.steps.at(-1)}\n      ${error}` : ''}\n`);
}
const version = browser.version();
await browser.close();

const passed = results.filter((r) => r.ok).length;
const report = {
  ok: passed === results.length && results.length > 0,
  chromium: version,
  ms: Date.now() - started,
  scenarios: results,
  screenshots,
};
process.stdout.write(JSON.stringify(report) + '\n');
process.stderr.write(`e2e: ${passed} passed, ${results.length - passed} failed\n`);
process.exit(report.ok ? 0 : 1);
