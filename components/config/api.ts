/** The protected API's delegated scopes (`apiScopes`) and app roles (`apiRoles`). */
import { GUID, field, isRecord, show, unknownFields } from "./fields";

/** A delegated permission (OAuth2 scope) the API exposes. */
export interface ApiScope {
    readonly value: string;
    readonly adminConsentDisplayName: string;
    readonly adminConsentDescription: string;
    readonly userConsentDisplayName: string;
    readonly userConsentDescription: string;
    /** Stable GUID: from config, or derived deterministically from tenant, prefix and value. */
    readonly id: string;
}

export type AppRoleMemberType = "Application" | "User";

/** An application role the API defines. */
export interface ApiRole {
    readonly value: string;
    readonly displayName: string;
    readonly description: string;
    readonly allowedMemberTypes: readonly AppRoleMemberType[];
    /** Stable GUID: from config, or derived deterministically from tenant, prefix and value. */
    readonly id: string;
}

export const DEFAULT_SCOPES = [
    {
        value: "ToDoList.Read",
        adminConsentDisplayName: "Read users' to-do items",
        adminConsentDescription: "Allows the app to read the signed-in user's to-do items.",
        userConsentDisplayName: "Read your to-do items",
        userConsentDescription: "Allows the app to read your to-do items.",
    },
    {
        value: "ToDoList.ReadWrite",
        adminConsentDisplayName: "Read and write users' to-do items",
        adminConsentDescription: "Allows the app to read, add and delete the signed-in user's to-do items.",
        userConsentDisplayName: "Read and write your to-do items",
        userConsentDescription: "Allows the app to read, add and delete your to-do items.",
    },
] as const;

export const DEFAULT_ROLES = [
    {
        value: "ToDoList.Read.All",
        displayName: "Read all to-do items",
        description: "Allows the app to read every user's to-do items without a signed-in user.",
        allowedMemberTypes: ["Application"],
    },
    {
        value: "ToDoList.ReadWrite.All",
        displayName: "Read and write all to-do items",
        description: "Allows the app to read, add and delete every user's to-do items without a signed-in user.",
        allowedMemberTypes: ["Application"],
    },
] as const;

/** Scope and role values: no spaces, printable ASCII, not starting with a dot (Entra's rules). */
const PERMISSION_VALUE = /^[A-Za-z0-9!#$%&'()*+,\-/:;<=>?@[\]^+_`{|}~]+(?:\.[A-Za-z0-9!#$%&'()*+,\-/:;<=>?@[\]^+_`{|}~]+)*$/;

export function parseScopes(value: unknown, idName: (v: string) => string, problems: string[]): ApiScope[] {
    if (value === undefined) return DEFAULT_SCOPES.map((s) => ({ ...s, id: idName(`scope:${s.value}`) }));
    if (!Array.isArray(value) || value.length === 0) {
        problems.push(`apiScopes: ${show(value)} must be a non-empty list of scopes`);
        return [];
    }
    const seen = new Set<string>();
    const out: ApiScope[] = [];
    value.forEach((s, i) => {
        const where = `apiScopes[${i}]`;
        if (!isRecord(s)) {
            problems.push(`${where}: ${show(s)} must be an object with value and consent texts`);
            return;
        }
        unknownFields(s, ["value", "id", "adminConsentDisplayName", "adminConsentDescription", "userConsentDisplayName", "userConsentDescription"], where, problems);
        const v = field(s, "value", where, problems, { required: true });
        if (v !== undefined) {
            if (!PERMISSION_VALUE.test(v)) problems.push(`${where}.value: ${show(v)} must have no spaces and not start or end with a dot (e.g. "ToDoList.Read")`);
            if (seen.has(v.toLowerCase())) problems.push(`${where}.value: ${show(v)} is a duplicate scope value`);
            seen.add(v.toLowerCase());
        }
        const id = field(s, "id", where, problems);
        if (id !== undefined && !GUID.test(id)) problems.push(`${where}.id: ${show(id)} must be a GUID`);
        const text = (name: string, fallback: string) => field(s, name, where, problems) ?? fallback;
        const val = v ?? "";
        out.push({
            value: val,
            id: (id ?? idName(`scope:${val}`)).toLowerCase(),
            adminConsentDisplayName: text("adminConsentDisplayName", val),
            adminConsentDescription: text("adminConsentDescription", `Allows the app to use ${val} on behalf of the signed-in user.`),
            userConsentDisplayName: text("userConsentDisplayName", val),
            userConsentDescription: text("userConsentDescription", `Allows the app to use ${val} on your behalf.`),
        });
    });
    const ids = new Map<string, string>();
    for (const s of out) {
        const other = ids.get(s.id);
        // Same value twice is already reported; only distinct values sharing an id are a further problem.
        if (other !== undefined && other !== s.value.toLowerCase()) problems.push(`apiScopes: id ${show(s.id)} is used by more than one scope`);
        ids.set(s.id, s.value.toLowerCase());
    }
    return out;
}

export function parseRoles(value: unknown, idName: (v: string) => string, problems: string[]): ApiRole[] {
    if (value === undefined) return DEFAULT_ROLES.map((r) => ({ ...r, allowedMemberTypes: [...r.allowedMemberTypes], id: idName(`role:${r.value}`) }));
    if (!Array.isArray(value)) {
        problems.push(`apiRoles: ${show(value)} must be a list of roles`);
        return [];
    }
    const seen = new Set<string>();
    const out: ApiRole[] = [];
    value.forEach((r, i) => {
        const where = `apiRoles[${i}]`;
        if (!isRecord(r)) {
            problems.push(`${where}: ${show(r)} must be an object with value, displayName, description and allowedMemberTypes`);
            return;
        }
        unknownFields(r, ["value", "id", "displayName", "description", "allowedMemberTypes"], where, problems);
        const v = field(r, "value", where, problems, { required: true });
        if (v !== undefined) {
            if (!PERMISSION_VALUE.test(v)) problems.push(`${where}.value: ${show(v)} must have no spaces and not start or end with a dot (e.g. "ToDoList.Read.All")`);
            if (seen.has(v.toLowerCase())) problems.push(`${where}.value: ${show(v)} is a duplicate role value`);
            seen.add(v.toLowerCase());
        }
        const id = field(r, "id", where, problems);
        if (id !== undefined && !GUID.test(id)) problems.push(`${where}.id: ${show(id)} must be a GUID`);
        const types = r.allowedMemberTypes;
        let members: AppRoleMemberType[] = [];
        if (!Array.isArray(types) || types.length === 0) {
            problems.push(`${where}.allowedMemberTypes: ${show(types)} must list at least one of "Application", "User"`);
        } else {
            for (const t of types) {
                if (t !== "Application" && t !== "User") problems.push(`${where}.allowedMemberTypes: ${show(t)} is not one of "Application", "User"`);
            }
            members = [...new Set(types.filter((t): t is AppRoleMemberType => t === "Application" || t === "User"))];
        }
        const val = v ?? "";
        out.push({
            value: val,
            id: (id ?? idName(`role:${val}`)).toLowerCase(),
            displayName: field(r, "displayName", where, problems) ?? val,
            description: field(r, "description", where, problems) ?? val,
            allowedMemberTypes: members,
        });
    });
    const ids = new Map<string, string>();
    for (const r of out) {
        const other = ids.get(r.id);
        // Same value twice is already reported; only distinct values sharing an id are a further problem.
        if (other !== undefined && other !== r.value.toLowerCase()) problems.push(`apiRoles: id ${show(r.id)} is used by more than one role`);
        ids.set(r.id, r.value.toLowerCase());
    }
    return out;
}
