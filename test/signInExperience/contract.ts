/**
 * The request contract for the sign-in experience endpoints of the Graph stand-in: method and path must be an
 * operation of test/userFlow/openapi/openapi-sign-in-experience.v1.0.yaml, `$` query options declared parameters,
 * a JSON body valid against the operation's schema, a binary body sent with one of the operation's declared media
 * types. The same checks and the same OpenAPI 3.0 → JSON Schema adaptation as the user flows' excerpt
 * (test/userFlow/contract.ts), on another file.
 */
import { join } from "node:path";
import { type Contract, loadContract } from "../userFlow/contract";

export const SPEC_FILE = join(__dirname, "..", "userFlow", "openapi", "openapi-sign-in-experience.v1.0.yaml");

export function loadSignInContract(): Contract {
    return loadContract(SPEC_FILE, "the sign-in experience excerpt");
}
