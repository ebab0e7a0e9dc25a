import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "./secrets";
import { T } from "./types";

const TLS_OK = new Set(["1.2", "1.3"]);

export const appServiceTransport: ResourceValidationPolicy = {
    name: "app-service-https-tls-ftp",
    description: "App Service sites and slots: HTTPS only, minimum TLS 1.2 for the site and its SCM (Kudu) endpoint, FTP and FTPS disabled.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== T.webApp && args.type !== T.webAppSlot) return;
        const p = args.props;
        const check = (read: () => unknown, ok: (v: unknown) => boolean, message: (v: unknown) => string) => {
            if (isUnknown(read)) return;
            const v = read();
            if (!ok(v)) reportViolation(message(v));
        };
        check(() => p.httpsOnly, (v) => v === true, (v) => `httpsOnly is ${JSON.stringify(v)}: it must be true`);
        check(() => p.siteConfig?.minTlsVersion, (v) => TLS_OK.has(String(v)), (v) => `siteConfig.minTlsVersion is ${JSON.stringify(v)}: it must be 1.2 or 1.3`);
        check(() => p.siteConfig?.scmMinTlsVersion, (v) => TLS_OK.has(String(v)), (v) => `siteConfig.scmMinTlsVersion is ${JSON.stringify(v)}: it must be 1.2 or 1.3`);
        check(() => p.siteConfig?.ftpsState, (v) => v === "Disabled", (v) => `siteConfig.ftpsState is ${JSON.stringify(v)}: it must be Disabled`);
    },
};
