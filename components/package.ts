/**
 * The deployment package: a bundle folder (e.g. `webapp/dist/web`) zipped by the program itself.
 *
 * The zip is deterministic - entries sorted, every timestamp fixed, the same compression level - so the same bundle
 * always gives the same bytes, and its name carries the content hash: a changed bundle gives a new blob name (and
 * so a new `WEBSITE_RUN_FROM_PACKAGE` URL, which restarts the site), an unchanged one gives no diff at all.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { zipSync, type Zippable } from "fflate";

/** Every entry's timestamp (zip's DOS time starts in 1980). */
export const PACKAGE_MTIME = new Date("1980-01-01T00:00:00Z");

export interface ZippedFolder {
    /** The zip's bytes. */
    readonly bytes: Uint8Array;
    /** Hex SHA-256 of the zip. */
    readonly sha256: string;
    /** The entries, relative with `/`, sorted. */
    readonly files: readonly string[];
}

export interface PackageFile extends ZippedFolder {
    /** `<label>-<first 16 hex of sha256>.zip` */
    readonly name: string;
    /** Where the zip was written. */
    readonly path: string;
}

/** Lists regular files under `dir` (following symbolic links), relative with `/`, in byte order. */
function listFiles(dir: string, prefix = ""): string[] {
    const out: string[] = [];
    for (const entry of readdirSync(path.join(dir, prefix))) {
        const rel = prefix === "" ? entry : `${prefix}/${entry}`;
        const stat = statSync(path.join(dir, rel));
        if (stat.isDirectory()) out.push(...listFiles(dir, rel));
        else if (stat.isFile()) out.push(rel);
    }
    return out;
}

/** Zips the contents of `dir` (not the folder itself: App Service expects the entry file at the zip's root). */
export function zipFolder(dir: string): ZippedFolder {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
        throw new Error(`package folder "${dir}" does not exist; build the bundles first (npm run build)`);
    }
    const files = listFiles(dir).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
    if (files.length === 0) throw new Error(`package folder "${dir}" is empty; build the bundles first (npm run build)`);
    const entries: Zippable = {};
    for (const rel of files) {
        entries[rel] = [new Uint8Array(readFileSync(path.join(dir, rel))), { mtime: PACKAGE_MTIME }];
    }
    const bytes = zipSync(entries, { level: 9, mtime: PACKAGE_MTIME });
    return { bytes, sha256: createHash("sha256").update(bytes).digest("hex"), files };
}

/**
 * Zips `dir` and writes it to `outDir` as `<label>-<hash>.zip` (labels: lower-case letters, digits, hyphens).
 * Writing is skipped when a file of that name (and so that content) is already there.
 */
export function writePackage(dir: string, label: string, outDir: string): PackageFile {
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(label)) {
        throw new Error(`package label "${label}" must be lower-case letters, digits or hyphens, starting with a letter`);
    }
    const zipped = zipFolder(dir);
    const name = `${label}-${zipped.sha256.slice(0, 16)}.zip`;
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, name);
    if (!existsSync(file) || createHash("sha256").update(readFileSync(file)).digest("hex") !== zipped.sha256) {
        writeFileSync(file, zipped.bytes);
    }
    return { ...zipped, name, path: file };
}
