/**
 * The policy pack, served to the Pulumi engine: `pulumi preview --policy-pack policy` (and `up`). Every policy is
 * mandatory: a violation fails the preview or the update. The policies live in ./policies.ts, one concern per file.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";
import { installSecretMarks } from "./secretMarks";

// Before the pack serves: the policies learn which properties the engine sent marked secret (policy/secretMarks.ts).
installSecretMarks();

new PolicyPack(PACK_NAME, { enforcementLevel: "mandatory", policies });
