/**
 * Branding images: what each slot accepts, and a check of a file's real type, size and pixel dimensions read from
 * its header (PNG IHDR, JPEG SOFn), so a wrong file fails at config time, before any resource or Graph call.
 *
 * Limits. Graph's organizationalBrandingProperties (v1.0 metadata, test/userFlow/openapi/README.md): bannerLogo
 * "PNG or JPEG not larger than 36 × 245 pixels"; squareLogo "PNG or JPEG not larger than 240 x 240 pixels";
 * backgroundImage "PNG or JPEG … not larger than 1920 × 1080 pixels". Byte sizes follow the admin center's limits
 * (MicrosoftDocs/entra-docs, "Customize the branding …": banner logo 10 KB, square logo 50 KB, background 300 KB;
 * the Graph text for backgroundImage says "not smaller than 300 KB", which the portal contradicts).
 */
import { createHash } from "node:crypto";

export type ImageSlot = "bannerLogo" | "squareLogo" | "backgroundImage";
export const IMAGE_SLOTS: readonly ImageSlot[] = ["bannerLogo", "squareLogo", "backgroundImage"];

export interface ImageLimit {
    readonly maxBytes: number;
    readonly maxWidth: number;
    readonly maxHeight: number;
}

export const IMAGE_LIMITS: Readonly<Record<ImageSlot, ImageLimit>> = {
    bannerLogo: { maxBytes: 10 * 1024, maxWidth: 245, maxHeight: 36 },
    squareLogo: { maxBytes: 50 * 1024, maxWidth: 240, maxHeight: 240 },
    backgroundImage: { maxBytes: 300 * 1024, maxWidth: 1920, maxHeight: 1080 },
};

export type ImageType = "image/png" | "image/jpeg";

/** A validated image: what the provider uploads and what state remembers. */
export interface BrandingImage {
    /** Path as configured (relative to the project directory), for messages. */
    readonly path: string;
    /** The same file as an absolute path on the machine that read the config: what the provider reads. */
    readonly file: string;
    readonly contentType: ImageType;
    /** `sha256:<hex>` of the bytes: a changed file is uploaded again, an unchanged one never is. */
    readonly sha256: string;
    readonly bytes: number;
    readonly width: number;
    readonly height: number;
}

export function contentHash(data: Uint8Array): string {
    return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

function describe(data: Uint8Array): string {
    const b = Buffer.from(data.subarray(0, 12));
    if (b.subarray(0, 6).toString("latin1") === "GIF87a" || b.subarray(0, 6).toString("latin1") === "GIF89a") return "a GIF image";
    if (b.subarray(0, 2).toString("latin1") === "BM") return "a BMP image";
    if (b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP") return "a WebP image";
    if (/^\s*<(\?xml|svg)/i.test(b.toString("latin1"))) return "an SVG/XML file";
    return "not a PNG or JPEG image";
}

/** Type and pixel size from the header; undefined when the data is neither PNG nor JPEG (or is truncated). */
export function sniffImage(data: Uint8Array): { type: ImageType; width: number; height: number } | undefined {
    const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a && b.subarray(12, 16).toString("latin1") === "IHDR") {
        return { type: "image/png", width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
    }
    if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
        let i = 2;
        while (i + 9 < b.length) {
            if (b[i] !== 0xff) return undefined;
            const marker = b[i + 1];
            if (marker === 0xff) { i++; continue; }
            const len = b.readUInt16BE(i + 2);
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
            if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
                return { type: "image/jpeg", height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
            }
            i += 2 + len;
        }
    }
    return undefined;
}

function kb(n: number): string {
    return `${Math.round((n / 1024) * 10) / 10} KB`;
}

/**
 * Checks one image for a slot; returns the problem (naming `key` and the file) or the validated image.
 * `read` returns the file's bytes or throws (missing file).
 */
export function checkImage(key: string, slot: ImageSlot, path: string, file: string, read: (path: string) => Uint8Array): { image?: BrandingImage; problem?: string } {
    let data: Uint8Array;
    try {
        data = read(path);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return { problem: `${key}: ${JSON.stringify(path)} cannot be read (${code === "ENOENT" ? "no such file" : code ?? "error"}); give a PNG or JPEG file path relative to the project directory` };
    }
    const limit = IMAGE_LIMITS[slot];
    const info = sniffImage(data);
    if (!info) return { problem: `${key}: ${JSON.stringify(path)} is ${describe(data)}; allowed: PNG or JPEG` };
    const ext = path.toLowerCase().split(".").pop();
    const extType = ext === "png" ? "image/png" : ext === "jpg" || ext === "jpeg" ? "image/jpeg" : undefined;
    if (extType !== undefined && extType !== info.type) {
        return { problem: `${key}: ${JSON.stringify(path)} is a ${info.type === "image/png" ? "PNG" : "JPEG"} image but its name says .${ext}; rename it so the upload's content type is right` };
    }
    if (data.byteLength > limit.maxBytes) {
        return { problem: `${key}: ${JSON.stringify(path)} is ${kb(data.byteLength)}; at most ${kb(limit.maxBytes)} is allowed for ${slot}` };
    }
    if (info.width > limit.maxWidth || info.height > limit.maxHeight || info.width === 0 || info.height === 0) {
        return { problem: `${key}: ${JSON.stringify(path)} is ${info.width} × ${info.height} pixels; ${slot} allows at most ${limit.maxWidth} × ${limit.maxHeight}` };
    }
    return { image: { path, file, contentType: info.type, sha256: contentHash(data), bytes: data.byteLength, width: info.width, height: info.height } };
}
