#!/usr/bin/env node
// `npm run icons`: renders resources/icon.svg (the one source of the app icon) to the PNG sizes desktop
// packaging wants (resources/icons/<n>x<n>.png, resources/icon.png = 512), a multi-size resources/icon.ico
// (PNG entries, as Windows Vista+ reads them), and the web twin's files in resources/web/ (favicon.ico and
// icon.svg; the renderer build copies that folder next to index.html). Renders in Chromium through Playwright,
// the browser the tests already use, so no image library is needed. The outputs are committed: run this only
// after changing the SVG.
import { chromium } from '@playwright/test';
import { Buffer } from 'node:buffer';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from './ensure-chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const res = join(root, 'resources');
const svg = readFileSync(join(res, 'icon.svg'), 'utf8');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

/** An .ico file whose entries are PNG images (ICONDIR + ICONDIRENTRY per image, then the PNG bytes). */
function ico(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt8(0, e + 2);
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.data)]);
}

const executablePath = findChromium();
const browser = await chromium.launch({ ...(executablePath === undefined ? {} : { executablePath }), args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  mkdirSync(join(res, 'icons'), { recursive: true });
  mkdirSync(join(res, 'web'), { recursive: true });
  const pngs = new Map();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `)}</body></html>`);
    const data = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    pngs.set(size, data);
    writeFileSync(join(res, 'icons', `${size}x${size}.png`), data);
  }
  writeFileSync(join(res, 'icon.png'), pngs.get(512));
  const icon = ico(ICO_SIZES.map((size) => ({ size, data: pngs.get(size) })));
  writeFileSync(join(res, 'icon.ico'), icon);
  writeFileSync(join(res, 'web', 'favicon.ico'), ico([16, 32, 48].map((size) => ({ size, data: pngs.get(size) }))));
  copyFileSync(join(res, 'icon.svg'), join(res, 'web', 'icon.svg'));
  console.log(`icons: ${SIZES.length} PNG sizes, icon.ico, web/favicon.ico, web/icon.svg in resources/`);
} finally {
  await browser.close();
}
