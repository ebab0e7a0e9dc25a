// Draws the example branding images (no external tools): node branding/make-images.mjs
// banner-logo.png 245×36, square-logo.png 240×240, background.png 1920×1080 — within the limits in
// components/signInExperience/images.ts. Plain RGBA PNGs written with node:zlib.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const c = Buffer.alloc(4); c.writeUInt32BE(crc(td)); return Buffer.concat([len, td, c]); };

function png(width, height, pixel) {
    const raw = Buffer.alloc((width * 4 + 1) * height);
    for (let y = 0; y < height; y++) {
        raw[y * (width * 4 + 1)] = 0;
        for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * (width * 4 + 1) + 1 + x * 4);
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 6;
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

const GREEN = [15, 61, 46, 255], GOLD = [201, 162, 74, 255], WHITE = [255, 255, 255, 255], CLEAR = [0, 0, 0, 0];
const inCircle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
// A crest (gold ring around a green "C"-like notch) and a wordmark of rounded bars.
const mark = (x, y, cx, cy, r) => inCircle(x, y, cx, cy, r) ? (inCircle(x, y, cx, cy, r * 0.62) && !(x > cx && Math.abs(y - cy) < r * 0.25) ? GREEN : GOLD) : undefined;

writeFileSync(new URL("banner-logo.png", import.meta.url), png(245, 36, (x, y) => {
    const m = mark(x, y, 18, 18, 15);
    if (m) return m;
    const bars = [[42, 70], [76, 100], [106, 140], [146, 168], [174, 206]];
    return y >= 11 && y <= 25 && bars.some(([a, b]) => x >= a && x <= b) ? GREEN : CLEAR;
}));
writeFileSync(new URL("square-logo.png", import.meta.url), png(240, 240, (x, y) => mark(x, y, 120, 120, 100) ?? CLEAR));
writeFileSync(new URL("background.png", import.meta.url), png(1920, 1080, (x, y) => {
    const t = y / 1079;
    const base = [Math.round(31 + (15 - 31) * t), Math.round(122 + (61 - 122) * t), Math.round(92 + (46 - 92) * t), 255];
    return inCircle(x, y, 1500, 220, 480) ? base.map((v, i) => (i < 3 ? Math.min(255, v + 14) : 255)) : base;
}));
