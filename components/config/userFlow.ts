/** The user flow's config (`userFlow`): identity providers, custom and collected attributes, and adoption pins. */
import { GUID, bool, field, isRecord, ownValue, show, unknownFields } from "./fields";

export type AttributeInputType = "text" | "radioSingleSelect" | "checkboxMultiSelect" | "boolean";
export const ATTRIBUTE_INPUT_TYPES: readonly AttributeInputType[] = ["text", "radioSingleSelect", "checkboxMultiSelect", "boolean"];

export type CustomAttributeDataType = "string" | "boolean" | "int64";
export const CUSTOM_ATTRIBUTE_DATA_TYPES: readonly CustomAttributeDataType[] = ["string", "boolean", "int64"];

/** A custom user attribute (`/identity/userFlowAttributes`) created by the program. */
export interface CustomAttribute {
    /** The attribute's display name; Graph derives the id `extension_<hex>_<name>` from it. */
    readonly name: string;
    readonly dataType: CustomAttributeDataType;
    readonly description: string;
}

/** An attribute collected on the sign-up page. */
export interface SignUpAttribute {
    /** Built-in attribute id (e.g. `city`) or the `name` of a custom attribute. */
    readonly attribute: string;
    /** True when `attribute` names one of `userFlow.customAttributes`. */
    readonly custom: boolean;
    readonly label: string;
    readonly required: boolean;
    readonly inputType: AttributeInputType;
    /** Choices for radio/checkbox inputs. */
    readonly options: readonly { readonly label: string; readonly value: string }[];
}

export interface UserFlowConfig {
    readonly displayName: string;
    readonly signUpAllowed: boolean;
    /** Graph identity provider ids, e.g. `EmailPassword-OAUTH`. */
    readonly identityProviders: readonly string[];
    readonly customAttributes: readonly CustomAttribute[];
    readonly attributes: readonly SignUpAttribute[];
    /** Existing objects to take over at their create, pinned by id (`userFlow.adopt`); absent when not set. */
    readonly adopt?: UserFlowAdopt;
}

/**
 * `userFlow.adopt`: consent to take over same-name objects this stack did not create, each pinned by its exact id.
 * Create adopts an object only when the one it finds by name has this id; otherwise the ownership error stays.
 */
export interface UserFlowAdopt {
    /** The id (GUID) of the flow named `userFlow.displayName`. */
    readonly flow?: string;
    /** Custom attribute ids (`extension_<32 hex>_<name>`) by `userFlow.customAttributes` name (own keys only). */
    readonly attributes: Readonly<Record<string, string>>;
}

/** Friendly identity-provider names accepted in config, mapped to Graph ids. */
export const IDENTITY_PROVIDERS: Readonly<Record<string, string>> = {
    emailPassword: "EmailPassword-OAUTH",
    emailOtp: "EmailOtpSignup-OAUTH",
    google: "Google-OAUTH",
    facebook: "Facebook-OAUTH",
};

/** Built-in user attributes of an External ID tenant that a sign-up page may collect. */
export const BUILT_IN_ATTRIBUTES: Readonly<Record<string, string>> = {
    email: "Email Address",
    displayName: "Display Name",
    givenName: "Given Name",
    surname: "Surname",
    city: "City",
    country: "Country/Region",
    postalCode: "Postal Code",
    state: "State/Province",
    streetAddress: "Street Address",
    jobTitle: "Job Title",
};

const CUSTOM_ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9]{0,39}$/;

export function parseUserFlow(value: unknown, namePrefix: string, problems: string[]): UserFlowConfig {
    const defaults: UserFlowConfig = {
        displayName: `${namePrefix} sign-up and sign-in`,
        signUpAllowed: true,
        identityProviders: [IDENTITY_PROVIDERS.emailPassword],
        customAttributes: [],
        attributes: [{ attribute: "displayName", custom: false, label: BUILT_IN_ATTRIBUTES.displayName, required: true, inputType: "text", options: [] }],
    };
    if (value === undefined) return defaults;
    if (!isRecord(value)) {
        problems.push(`userFlow: ${show(value)} must be an object`);
        return defaults;
    }
    unknownFields(value, ["displayName", "signUpAllowed", "identityProviders", "customAttributes", "attributes", "adopt"], "userFlow", problems);
    const displayName = field(value, "displayName", "userFlow", problems) ?? defaults.displayName;
    if (displayName.length > 64) problems.push(`userFlow.displayName: ${show(displayName)} is longer than 64 characters`);
    const signUpAllowed = bool(value, "signUpAllowed", "userFlow", true, problems);

    let identityProviders = defaults.identityProviders;
    if (value.identityProviders !== undefined) {
        const idps = value.identityProviders;
        if (!Array.isArray(idps) || idps.length === 0) {
            problems.push(`userFlow.identityProviders: ${show(idps)} must list at least one of ${Object.keys(IDENTITY_PROVIDERS).join(", ")}`);
        } else {
            const mapped: string[] = [];
            for (const p of idps) {
                const id = typeof p === "string" ? ownValue(IDENTITY_PROVIDERS, p) : undefined;
                if (id === undefined) problems.push(`userFlow.identityProviders: ${show(p)} is not one of ${Object.keys(IDENTITY_PROVIDERS).join(", ")}`);
                else if (mapped.includes(id)) problems.push(`userFlow.identityProviders: ${show(p)} is listed twice`);
                else mapped.push(id);
            }
            if (mapped.includes(IDENTITY_PROVIDERS.emailPassword) && mapped.includes(IDENTITY_PROVIDERS.emailOtp)) {
                problems.push(`userFlow.identityProviders: choose either "emailPassword" or "emailOtp", not both (a flow has one local account method)`);
            }
            identityProviders = mapped;
        }
    }

    const customAttributes: CustomAttribute[] = [];
    if (value.customAttributes !== undefined) {
        if (!Array.isArray(value.customAttributes)) {
            problems.push(`userFlow.customAttributes: ${show(value.customAttributes)} must be a list`);
        } else {
            value.customAttributes.forEach((c, i) => {
                const where = `userFlow.customAttributes[${i}]`;
                if (!isRecord(c)) {
                    problems.push(`${where}: ${show(c)} must be an object with name and dataType`);
                    return;
                }
                unknownFields(c, ["name", "dataType", "description"], where, problems);
                const name = field(c, "name", where, problems, { required: true });
                if (name !== undefined) {
                    if (!CUSTOM_ATTRIBUTE_NAME.test(name)) problems.push(`${where}.name: ${show(name)} must start with a letter and contain only letters and digits (at most 40)`);
                    if (ownValue(BUILT_IN_ATTRIBUTES, name) !== undefined) problems.push(`${where}.name: ${show(name)} is a built-in attribute; list it under userFlow.attributes instead`);
                    if (customAttributes.some((x) => x.name.toLowerCase() === name.toLowerCase())) problems.push(`${where}.name: ${show(name)} is a duplicate custom attribute`);
                }
                const dataType = c.dataType ?? "string";
                if (!CUSTOM_ATTRIBUTE_DATA_TYPES.includes(dataType as CustomAttributeDataType)) {
                    problems.push(`${where}.dataType: ${show(dataType)} is not one of ${CUSTOM_ATTRIBUTE_DATA_TYPES.join(", ")}`);
                }
                customAttributes.push({
                    name: name ?? "",
                    dataType: dataType as CustomAttributeDataType,
                    description: field(c, "description", where, problems) ?? name ?? "",
                });
            });
        }
    }

    let attributes = defaults.attributes;
    if (value.attributes !== undefined) {
        if (!Array.isArray(value.attributes)) {
            problems.push(`userFlow.attributes: ${show(value.attributes)} must be a list`);
        } else {
            const list: SignUpAttribute[] = [];
            value.attributes.forEach((a, i) => {
                const where = `userFlow.attributes[${i}]`;
                const entry = typeof a === "string" ? { attribute: a } : a;
                if (!isRecord(entry)) {
                    problems.push(`${where}: ${show(a)} must be an attribute id or an object with "attribute"`);
                    return;
                }
                unknownFields(entry, ["attribute", "label", "required", "inputType", "options"], where, problems);
                const id = field(entry, "attribute", where, problems, { required: true });
                if (id === undefined) return;
                const customDef = customAttributes.find((c) => c.name === id);
                if (ownValue(BUILT_IN_ATTRIBUTES, id) === undefined && customDef === undefined) {
                    problems.push(`${where}.attribute: ${show(id)} is neither a built-in attribute (${Object.keys(BUILT_IN_ATTRIBUTES).join(", ")}) nor a name in userFlow.customAttributes`);
                    return;
                }
                if (id === "email") {
                    problems.push(`${where}.attribute: "email" is always collected by the tenant; do not list it`);
                    return;
                }
                if (list.some((x) => x.attribute === id)) problems.push(`${where}.attribute: ${show(id)} is listed twice`);
                const inputType = (entry.inputType ?? (customDef?.dataType === "boolean" ? "boolean" : "text")) as AttributeInputType;
                if (!ATTRIBUTE_INPUT_TYPES.includes(inputType)) problems.push(`${where}.inputType: ${show(entry.inputType)} is not one of ${ATTRIBUTE_INPUT_TYPES.join(", ")}`);
                const options: { label: string; value: string }[] = [];
                if (entry.options !== undefined) {
                    if (!Array.isArray(entry.options) || !entry.options.every((o) => isRecord(o) && typeof o.label === "string" && typeof o.value === "string")) {
                        problems.push(`${where}.options: must be a list of {"label": "...", "value": "..."}`);
                    } else {
                        for (const o of entry.options as { label: string; value: string }[]) options.push({ label: o.label, value: o.value });
                    }
                }
                if ((inputType === "radioSingleSelect" || inputType === "checkboxMultiSelect") && options.length === 0) {
                    problems.push(`${where}.options: a ${inputType} input needs at least one option`);
                }
                list.push({
                    attribute: id,
                    custom: customDef !== undefined,
                    label: field(entry, "label", where, problems) ?? ownValue(BUILT_IN_ATTRIBUTES, id) ?? id,
                    required: bool(entry, "required", where, false, problems),
                    inputType,
                    options,
                });
            });
            attributes = list;
        }
    }
    const adopt = value.adopt === undefined ? undefined : parseAdopt(value.adopt, customAttributes, problems);
    return { displayName, signUpAllowed, identityProviders, customAttributes, attributes, ...(adopt ? { adopt } : {}) };
}

/** A custom attribute's Graph id: `extension_<the b2c-extensions-app's appId without hyphens>_<name>`. */
const CUSTOM_ATTRIBUTE_ID = /^extension_[0-9a-f]{32}_([A-Za-z][A-Za-z0-9]{0,39})$/i;

function parseAdopt(value: unknown, customAttributes: readonly CustomAttribute[], problems: string[]): UserFlowAdopt {
    if (!isRecord(value)) {
        problems.push(`userFlow.adopt: ${show(value)} must be an object such as {"flow": "<id of the existing flow>", "attributes": {"<name>": "<id of the existing attribute>"}}`);
        return { attributes: {} };
    }
    unknownFields(value, ["flow", "attributes"], "userFlow.adopt", problems);
    let flow = field(value, "flow", "userFlow.adopt", problems);
    if (flow !== undefined && !GUID.test(flow)) {
        problems.push(`userFlow.adopt.flow: ${show(flow)} is not a GUID (the id of the existing user flow that the ownership error names)`);
        flow = undefined;
    }
    const attributes: [string, string][] = [];
    if (value.attributes !== undefined) {
        if (!isRecord(value.attributes)) {
            problems.push(`userFlow.adopt.attributes: ${show(value.attributes)} must be an object mapping a userFlow.customAttributes name to the existing attribute's id`);
        } else {
            for (const [name, id] of Object.entries(value.attributes)) {
                const where = `userFlow.adopt.attributes.${name}`;
                // The declared names, not an object's properties: "constructor" is unknown unless it is declared.
                if (!customAttributes.some((c) => c.name === name)) {
                    const names = customAttributes.map((c) => c.name).filter((n) => n !== "");
                    problems.push(`${where}: ${show(name)} is not a name in userFlow.customAttributes (${names.length > 0 ? `declared: ${names.join(", ")}` : "none declared"})`);
                    continue;
                }
                const m = typeof id === "string" ? CUSTOM_ATTRIBUTE_ID.exec(id) : null;
                if (!m || m[1].toLowerCase() !== name.toLowerCase()) {
                    problems.push(`${where}: ${show(id)} is not the id of a custom attribute named ${show(name)} (expected extension_<32 hex digits>_${name}, as the ownership error names it)`);
                    continue;
                }
                attributes.push([name, id as string]);
            }
        }
    }
    return { ...(flow !== undefined ? { flow } : {}), attributes: Object.fromEntries(attributes) };
}
