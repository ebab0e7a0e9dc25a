/** The deployment zip: deterministic, content-addressed, the bundle's files at the root. */
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { unzipSync } from "fflate";
import { writePackage, zipFolder } from "../../components/package";
import { fixtureBundle } from "./harness";

const out = () => mkdtempSync(path.join(tmpdir(), "packages-"));

test("zips the folder's files at the root, sorted, with their contents", () => {
    const dir = fixtureBundle("web", "console.log('hello');\n");
    writeFileSync(path.join(dir, "a.txt"), "first\n");
    const zipped = zipFolder(dir);
    expect(zipped.files).toEqual(["a.txt", "public/site.css", "server.js"]);
    const entries = unzipSync(zipped.bytes);
    expect(Object.keys(entries)).toEqual(["a.txt", "public/site.css", "server.js"]);
    expect(Buffer.from(entries["server.js"]).toString()).toBe("console.log('hello');\n");
    expect(Buffer.from(entries["public/site.css"]).toString()).toBe("body{margin:0}\n");
    expect(zipped.sha256).toBe(createHash("sha256").update(zipped.bytes).digest("hex"));
});

test("the same bundle gives the same bytes and name, whatever the files' timestamps", () => {
    const one = fixtureBundle("web", "same\n");
    const two = fixtureBundle("web", "same\n");
    utimesSync(path.join(two, "server.js"), new Date("2001-02-03T04:05:06Z"), new Date("2001-02-03T04:05:06Z"));
    const a = writePackage(one, "web", out());
    const b = writePackage(two, "web", out());
    expect(Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes))).toBe(0);
    expect(a.name).toBe(b.name);
    expect(a.name).toBe(`web-${a.sha256.slice(0, 16)}.zip`);
    expect(readFileSync(a.path).equals(Buffer.from(a.bytes))).toBe(true);
});

test("a changed bundle gives a new package name", () => {
    const dir = fixtureBundle("api", "v1\n");
    const target = out();
    const v1 = writePackage(dir, "api", target);
    writeFileSync(path.join(dir, "server.js"), "v2\n");
    const v2 = writePackage(dir, "api", target);
    expect(v2.name).not.toBe(v1.name);
    expect(v2.name).toMatch(/^api-[0-9a-f]{16}\.zip$/);
    expect(Buffer.from(unzipSync(readFileSync(v2.path))["server.js"]).toString()).toBe("v2\n");
    expect(Buffer.from(unzipSync(readFileSync(v1.path))["server.js"]).toString()).toBe("v1\n");
});

test("names what is wrong with the input", () => {
    const missing = path.join(tmpdir(), "no-such-bundle-folder");
    expect(() => zipFolder(missing)).toThrow(`package folder "${missing}" does not exist; build the bundles first (npm run build)`);
    const empty = mkdtempSync(path.join(tmpdir(), "empty-bundle-"));
    expect(() => zipFolder(empty)).toThrow(`package folder "${empty}" is empty; build the bundles first (npm run build)`);
    expect(() => writePackage(fixtureBundle("x"), "Web App", out())).toThrow(
        'package label "Web App" must be lower-case letters, digits or hyphens, starting with a letter',
    );
});
