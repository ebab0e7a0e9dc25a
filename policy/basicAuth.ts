import type { StackValidationPolicy } from "@pulumi/policy";
import { known } from "./secrets";
import { T } from "./types";

const POLICY_TYPES = { scm: "azure-native:web:WebAppScmAllowed", ftp: "azure-native:web:WebAppFtpAllowed" } as const;

/**
 * Basic-authentication publishing (SCM/Kudu and FTP user name + password) switched off on every site, by declaring
 * `web.WebAppScmAllowed` and `web.WebAppFtpAllowed` with `allow: false`. This is what keeps the preview's workforce
 * identity read-only: refreshing app settings needs `Microsoft.Web/sites/config/list/action`, which also lists the
 * sites' publishing credentials, and those deploy code only while basic authentication is allowed.
 */
export const appServiceBasicAuthOff: StackValidationPolicy = {
    name: "app-service-basic-auth-off",
    description: "Every App Service site declares basic-authentication publishing off for SCM and FTP (web.WebAppScmAllowed / web.WebAppFtpAllowed with allow: false).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const key = (r: { props: Record<string, any> }) => {
            const name = known(() => r.props.name);
            const rg = known(() => r.props.resourceGroupName);
            return typeof name === "string" && typeof rg === "string" ? `${rg.toLowerCase()}/${name.toLowerCase()}` : undefined;
        };
        const off = { scm: new Set<string>(), ftp: new Set<string>() };
        for (const r of args.resources) {
            for (const kind of ["scm", "ftp"] as const) {
                if (r.type !== POLICY_TYPES[kind]) continue;
                const k = key(r);
                if (k && known(() => r.props.allow) === false) off[kind].add(k);
            }
        }
        for (const site of args.resources.filter((r) => r.type === T.webApp)) {
            const k = key(site);
            if (!k) continue;
            const missing = (["scm", "ftp"] as const).filter((kind) => !off[kind].has(k));
            if (missing.length > 0) reportViolation(`site ${k}: basic-authentication publishing is not declared off for ${missing.map((m) => m.toUpperCase()).join(" and ")} (declare ${missing.map((m) => POLICY_TYPES[m].split(":").pop()).join(" and ")} with allow: false)`, site.urn);
        }
    },
};
