/**
 * What a secret looks like, for the policies that keep secrets out of plain places (app settings, stack outputs,
 * dynamic-resource state).
 *
 * Hand-written on purpose: secretlint (the npm secret scanner) has no rule for the credentials this stack handles
 * (Entra client secrets, Azure storage keys, SAS signatures, Key Vault references as the allowed form), and it scans
 * files, not property values. The patterns are small and each is tested with a matching and a non-matching value.
 */
import { UnknownValueError } from "@pulumi/policy";

/**
 * An App Service Key Vault reference, the one allowed form of a secret in app settings: `@Microsoft.KeyVault(SecretUri=…)`
 * or `@Microsoft.KeyVault(VaultName=…;SecretName=…[;SecretVersion=…])` (Microsoft Learn, "Use Key Vault references as
 * app settings in Azure App Service").
 */
const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\((?:SecretUri=https:\/\/[^\s()]+|VaultName=[^;()\s]+;SecretName=[^;()\s]+(?:;SecretVersion=[^;()\s]*)?)\)$/i;

export function isKeyVaultReference(value: unknown): boolean {
    return typeof value === "string" && KEY_VAULT_REFERENCE.test(value.trim());
}

/** Setting names that announce a secret: their value must be a Key Vault reference (or empty). */
const SECRET_NAME = /SECRET|PASSW(?:OR)?D|(?:^|_)PWD(?:_|$)|CONN(?:ECTION)?_?STR(?:ING)?|ACCOUNT_?KEY|ACCESS_?KEY|API_?KEY|PRIVATE_?KEY|SAS_?TOKEN|ACCESS_?TOKEN|REFRESH_?TOKEN/i;

export function hasSecretName(name: string): boolean {
    return SECRET_NAME.test(name);
}

const URL_SAFE = "A-Za-z0-9_~.\\-";

/** Each entry: what the value looks like, and how to recognise it. */
const SECRET_VALUES: ReadonlyArray<readonly [string, RegExp]> = [
    // Entra client secrets: three characters, a digit, "Q~", then 31-34 more (Microsoft.Security.Utilities
    // SEC101/156 "AadClientAppIdentifiableCredentials"; gitleaks' azure-ad-client-secret rule).
    ["an Entra client secret", new RegExp(`(?:^|[^${URL_SAFE}])[${URL_SAFE}]{3}\\dQ~[${URL_SAFE}]{31,34}(?:$|[^${URL_SAFE}])`)],
    ["a JSON Web Token", /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/],
    ["a private key", /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/],
    ["a connection string with a key or password", /(?:^|;)\s*(?:AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)\s*=\s*[^;\s]+/i],
    ["a URL with a SAS signature", /[?&]sig=[A-Za-z0-9%+/=_-]{10,}/],
    ["a URL with a password", /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
    // Azure storage account keys: 64 random bytes, base64 (88 characters ending in "==").
    ["an Azure storage account key", /^[A-Za-z0-9+/]{86}==$/],
    // 24 random bytes or more as hex (a 40-character commit id is not flagged).
    ["a long hexadecimal key", /^[0-9a-fA-F]{48,}$/],
    // Random bytes as base64 or base64url: digits and both cases, no spaces, dots or colons. Resource ids, which mix
    // "/" and "-", and URLs are not flagged.
    ["a long random-looking key", /^(?=.*\d)(?=.*[a-z])(?=.*[A-Z])(?:[A-Za-z0-9+][A-Za-z0-9+/]{39,}={0,2}|[A-Za-z0-9_-]{40,})$/],
];

/** What the value looks like when it looks like a secret, else undefined. Key Vault references never do. */
export function secretKind(value: unknown): string | undefined {
    if (typeof value !== "string" || isKeyVaultReference(value)) return undefined;
    const v = value.trim();
    for (const [kind, re] of SECRET_VALUES) if (re.test(v)) return kind;
    return undefined;
}

/** Thrown by @pulumi/policy's property proxy for a value that is not known yet (during preview). */
function isUnknownValueError(err: unknown): boolean {
    return err instanceof UnknownValueError;
}

/** Whether reading the value hits a value that is not known yet. */
export function isUnknown(read: () => unknown): boolean {
    try {
        read();
        return false;
    } catch (err) {
        if (isUnknownValueError(err)) return true;
        throw err;
    }
}

/**
 * Reads a value through the policy SDK's unknown-checking proxy. During a preview an input computed from another
 * resource is unknown; such a value is skipped here (it is checked by the same policy in `pulumi up`, where every input
 * is known before the resource is registered), while the known values around it are still checked.
 */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (err) {
        if (isUnknownValueError(err)) return undefined;
        throw err;
    }
}

/** Every secret-looking string inside a value (objects and arrays walked), as `path: kind`. */
export function findSecrets(value: unknown, path: string): string[] {
    const found: string[] = [];
    const walk = (v: unknown, p: string, depth: number) => {
        if (depth > 20) return;
        if (typeof v === "string") {
            const kind = secretKind(v);
            if (kind) found.push(`${p} looks like ${kind}`);
        } else if (Array.isArray(v)) {
            const n = known(() => v.length) ?? 0;
            for (let i = 0; i < n; i++) walk(known(() => v[i]), `${p}[${i}]`, depth + 1);
        } else if (v !== null && typeof v === "object") {
            for (const k of Object.keys(v)) walk(known(() => (v as Record<string, unknown>)[k]), `${p}.${k}`, depth + 1);
        }
    };
    walk(value, path, 0);
    return found;
}
