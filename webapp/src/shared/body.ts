import type { IncomingMessage } from "node:http";

/** An error with the HTTP status and a message that is safe to show to the caller. */
export class HttpError extends Error {
    constructor(
        readonly status: number,
        message: string,
        readonly headers: Readonly<Record<string, string>> = {},
    ) {
        super(message);
        this.name = "HttpError";
    }
}

/**
 * Reads a JSON request body of at most `limit` bytes.
 * 415 unless the content type is JSON, 413 when the body (or its declared length) is larger than `limit`,
 * 400 when it is empty or not valid JSON. Stops reading (and discards the rest) as soon as the limit is passed.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
        const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
        if (type !== "application/json") {
            req.resume();
            reject(new HttpError(415, "Content-Type must be application/json"));
            return;
        }
        const declared = req.headers["content-length"];
        if (declared !== undefined && Number(declared) > limit) {
            req.resume();
            reject(new HttpError(413, `Request body is larger than ${limit} bytes`));
            return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let failed = false;
        req.on("data", (chunk: Buffer) => {
            if (failed) return;
            size += chunk.length;
            if (size > limit) {
                failed = true;
                chunks.length = 0;
                reject(new HttpError(413, `Request body is larger than ${limit} bytes`));
                return;
            }
            chunks.push(chunk);
        });
        req.on("error", () => {
            if (failed) return;
            failed = true;
            reject(new HttpError(400, "Request body could not be read"));
        });
        req.on("end", () => {
            if (failed) return;
            const text = Buffer.concat(chunks, size).toString("utf8");
            if (text.trim() === "") {
                reject(new HttpError(400, "Request body is empty; expected a JSON object"));
                return;
            }
            try {
                resolve(JSON.parse(text));
            } catch {
                reject(new HttpError(400, "Request body is not valid JSON"));
            }
        });
    });
}
