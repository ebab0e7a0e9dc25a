/**
 * A throw-away self-signed certificate for 127.0.0.1, generated at test time with openssl (never committed).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
    readonly cert: string;
    readonly key: string;
}

export function selfSignedCertificate(): TestCertificate {
    const dir = mkdtempSync(join(tmpdir(), "graph-standin-"));
    try {
        const key = join(dir, "key.pem");
        const cert = join(dir, "cert.pem");
        execFileSync("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-addext", "basicConstraints=critical,CA:TRUE",
        ], { stdio: "ignore" });
        return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
