import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "./secrets";
import { T } from "./types";

export const storageNoPublicBlobs: ResourceValidationPolicy = {
    name: "storage-no-public-blob-access",
    description: "Storage accounts disallow public (anonymous) blob access explicitly, and no blob container is public.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const p = args.props;
        if (args.type === T.storageAccount && !isUnknown(() => p.allowBlobPublicAccess) && p.allowBlobPublicAccess !== false) {
            reportViolation(`allowBlobPublicAccess is ${JSON.stringify(p.allowBlobPublicAccess)}: it must be false`);
        }
        if (args.type === T.blobContainer && !isUnknown(() => p.publicAccess) && p.publicAccess !== undefined && p.publicAccess !== "None") {
            reportViolation(`publicAccess is ${JSON.stringify(p.publicAccess)}: containers must be private (None)`);
        }
    },
};
