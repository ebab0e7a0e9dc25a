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
 * Reads a request body of `contentType` and at most `limit` bytes. 415 for another content type, 413 when the
 * body (or its declared length) is larger than `limit`, and 400 when the stream fails. After a 413 or 415 the rest of
 * the body is not read: the response says `Connection: close` (the request is not `complete`) and the connection ends.
 */
export function readLimitedBody(req: IncomingMessage, limit: number, contentType: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
        if (type !== contentType) {
            reject(new HttpError(415, `Content-Type must be ${contentType}`));
            return;
        }
        const declared = req.headers["content-length"];
        if (declared !== undefined && Number(declared) > limit) {
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
                req.pause();
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
            if (!failed) resolve(Buffer.concat(chunks, size));
        });
    });
}

/**
 * Reads a JSON request body of at most `limit` bytes (see `readLimitedBody`); 400 when it is empty or not valid
 * JSON.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
    const text = (await readLimitedBody(req, limit, "application/json")).toString("utf8");
    if (text.trim() === "") throw new HttpError(400, "Request body is empty; expected a JSON object");
    try {
        return JSON.parse(text);
    } catch {
        throw new HttpError(400, "Request body is not valid JSON");
    }
}

