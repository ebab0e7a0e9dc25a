/**
 * Pulumi resources for External ID user flows (dynamic providers in ./provider.ts) and the wiring from stack config.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AttributeInputType, UserFlowAttributeInputs } from "./provider";
import { makeUserFlowApplicationProvider, makeUserFlowAttributeProvider, makeUserFlowProvider } from "./provider";
import type { UserFlowConfig } from "../config";

/** Bump when the providers' behaviour changes, so existing stacks see an update. */
export const PROVIDER_VERSION = "1";
const MODULE = "entra-userflow";

const userFlowProvider = makeUserFlowProvider();
const userFlowApplicationProvider = makeUserFlowApplicationProvider();
const userFlowAttributeProvider = makeUserFlowAttributeProvider();

/** One attribute collected on the sign-up page. */
export interface UserFlowAttributeEntry {
    /** Attribute id: built-in (`city`, `displayName`, …) or a custom attribute's id (e.g. `UserFlowAttribute.id`). */
    readonly attribute: pulumi.Input<string>;
    /** Label on the sign-up page. */
    readonly label: pulumi.Input<string>;
    /** Whether the field must be filled in. Default false. */
    readonly required?: pulumi.Input<boolean>;
    /** Input control. Default "text". */
    readonly inputType?: pulumi.Input<AttributeInputType>;
    /** Choices for radio and checkbox inputs. Default none. */
    readonly options?: pulumi.Input<pulumi.Input<{ label: string; value: string }>[]>;
    /** The attribute's data type, sent when the flow is created. Default "string". */
    readonly dataType?: pulumi.Input<"string" | "boolean" | "int64">;
}

export interface UserFlowArgs {
    /** The external tenant's id (a GUID). */
    readonly tenantId: pulumi.Input<string>;
    /**
     * Display name; unique in the tenant (case-insensitively). A flow this stack did not create is never taken over
     * silently: create fails naming its id, unless `adoptId` is exactly that id.
     */
    readonly displayName: pulumi.Input<string>;
    /** Whether people can create accounts (false = sign-in only). Default true. */
    readonly signUpAllowed?: pulumi.Input<boolean>;
    /** Graph identity provider ids, e.g. ["EmailPassword-OAUTH"]; at least one. */
    readonly identityProviders: pulumi.Input<pulumi.Input<string>[]>;
    /** Attributes collected on sign-up, besides email (always collected). Default none. */
    readonly attributes?: pulumi.Input<pulumi.Input<UserFlowAttributeEntry>[]>;
    /**
     * The id of an existing same-name flow to take over at create (stack config `userFlow.adopt.flow`): create reads
     * it by id and converges it to these inputs instead of POSTing. Ignored afterwards. Default none.
     */
    readonly adoptId?: pulumi.Input<string>;
}

/** A sign-up/sign-in user flow (externalUsersSelfServiceSignUpEventsFlow). The resource id is the flow id. */
export class UserFlow extends pulumi.dynamic.Resource {
    declare readonly tenantId: pulumi.Output<string>;
    declare readonly displayName: pulumi.Output<string>;
    declare readonly signUpAllowed: pulumi.Output<boolean>;
    declare readonly identityProviders: pulumi.Output<string[]>;
    declare readonly attributes: pulumi.Output<{ attribute: string; label: string; required: boolean; inputType: AttributeInputType; options: { label: string; value: string }[] }[]>;
    /** When this program created the flow (absent for an adopted one); bounds the replication-delay window. */
    declare readonly createdAt: pulumi.Output<string | undefined>;

    constructor(name: string, args: UserFlowArgs, opts?: pulumi.CustomResourceOptions) {
        super(userFlowProvider, name, { ...args, version: PROVIDER_VERSION, createdAt: undefined }, opts, MODULE, "UserFlow");
    }
}

export interface UserFlowApplicationArgs {
    /** The external tenant's id (a GUID). */
    readonly tenantId: pulumi.Input<string>;
    /** The flow to link to (`UserFlow.id`). */
    readonly userFlowId: pulumi.Input<string>;
    /** The application's client id (appId). Its service principal must exist in the tenant. */
    readonly appId: pulumi.Input<string>;
}

/** Links an application to a user flow (an app can be in one flow only). The id is `<flowId>/<appId>`. */
export class UserFlowApplication extends pulumi.dynamic.Resource {
    declare readonly tenantId: pulumi.Output<string>;
    declare readonly userFlowId: pulumi.Output<string>;
    declare readonly appId: pulumi.Output<string>;
    /** When this program made the link. */
    declare readonly createdAt: pulumi.Output<string | undefined>;

    constructor(name: string, args: UserFlowApplicationArgs, opts?: pulumi.CustomResourceOptions) {
        super(userFlowApplicationProvider, name, { ...args, version: PROVIDER_VERSION, createdAt: undefined }, opts, MODULE, "UserFlowApplication");
    }
}

export interface UserFlowAttributeArgs {
    /** The external tenant's id (a GUID). */
    readonly tenantId: pulumi.Input<string>;
    /** Name (letters and digits); Graph makes the id `extension_<hex>_<name>`. Changing it replaces the attribute. */
    readonly displayName: pulumi.Input<string>;
    /** "string", "boolean" or "int64". Changing it replaces the attribute. Default "string". */
    readonly dataType?: pulumi.Input<UserFlowAttributeInputs["dataType"]>;
    /** Description shown at sign-up; updated in place. Default: the name. */
    readonly description?: pulumi.Input<string>;
    /** The id of an existing same-name attribute to take over at create (`userFlow.adopt.attributes.<name>`). */
    readonly adoptId?: pulumi.Input<string>;
}

/** A custom user attribute (/identity/userFlowAttributes). The resource id is the attribute id. */
export class UserFlowAttribute extends pulumi.dynamic.Resource {
    declare readonly tenantId: pulumi.Output<string>;
    declare readonly displayName: pulumi.Output<string>;
    declare readonly dataType: pulumi.Output<string>;
    declare readonly description: pulumi.Output<string>;
    /** Same as `id`: `extension_<hex>_<displayName>`. */
    declare readonly attributeId: pulumi.Output<string>;
    /** When this program created the attribute (absent for an adopted one). */
    declare readonly createdAt: pulumi.Output<string | undefined>;

    constructor(name: string, args: UserFlowAttributeArgs, opts?: pulumi.CustomResourceOptions) {
        super(userFlowAttributeProvider, name, { dataType: "string", ...args, version: PROVIDER_VERSION, attributeId: undefined, createdAt: undefined }, opts, MODULE, "UserFlowAttribute");
    }
}

export interface SignUpSignInArgs {
    /** The external tenant's id. */
    readonly tenantId: string;
    /** `StackConfig.userFlow`; its `adopt` entry pins existing objects to take over (ids checked by the providers). */
    readonly config: UserFlowConfig;
    /** Client id of the web app to link to the flow. */
    readonly appClientId: pulumi.Input<string>;
    /**
     * What the link must wait for: the web app's registration, whose service principal Graph needs before the app
     * can be linked. Passed as the link's own `dependsOn`: the Node SDK does not hand a component's `dependsOn` to
     * its children (@pulumi/pulumi resource.js: a child inherits only `protect` and providers from its parent), so
     * the component's option alone would not order the link. Default none.
     */
    readonly linkDependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

/** An own entry of a config table: `"constructor"` or `"toString"` must not read as inherited functions. */
function own(table: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
    return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The sign-up/sign-in experience: custom attributes, the user flow, and the web app's link to it. */
export class SignUpSignIn extends pulumi.ComponentResource {
    readonly flow: UserFlow;
    readonly link: UserFlowApplication;
    /** One per `config.customAttributes` entry, in the same order. */
    readonly attributes: UserFlowAttribute[];

    constructor(name: string, args: SignUpSignInArgs, opts?: pulumi.ComponentResourceOptions) {
        super("entra-ciam:index:SignUpSignIn", name, {}, opts);
        const { tenantId, config } = args;
        const adoptId = (id: string | undefined) => (id === undefined ? {} : { adoptId: id });
        this.attributes = config.customAttributes.map((c) => new UserFlowAttribute(`${name}-attr-${c.name}`, {
            tenantId,
            displayName: c.name,
            dataType: c.dataType,
            description: c.description,
            ...adoptId(own(config.adopt?.attributes, c.name)),
        }, { parent: this }));
        const entries: UserFlowAttributeEntry[] = config.attributes.map((a) => {
            const i = config.customAttributes.findIndex((c) => c.name === a.attribute);
            if (a.custom && i < 0) throw new Error(`userFlow.attributes: ${JSON.stringify(a.attribute)} is marked custom but is not in userFlow.customAttributes`);
            const entry: UserFlowAttributeEntry = {
                attribute: i >= 0 ? this.attributes[i].id : a.attribute,
                label: a.label,
                required: a.required,
                inputType: a.inputType,
                options: a.options.map((o) => ({ label: o.label, value: o.value })),
            };
            return i >= 0 ? { ...entry, dataType: config.customAttributes[i].dataType } : entry;
        });
        this.flow = new UserFlow(`${name}-flow`, {
            tenantId,
            displayName: config.displayName,
            signUpAllowed: config.signUpAllowed,
            identityProviders: [...config.identityProviders],
            attributes: entries,
            ...adoptId(config.adopt?.flow),
        }, { parent: this });
        this.link = new UserFlowApplication(`${name}-app`, {
            tenantId,
            userFlowId: this.flow.id,
            appId: args.appClientId,
        }, { parent: this, dependsOn: args.linkDependsOn });
        this.registerOutputs({ flowId: this.flow.id, attributeIds: this.attributes.map((a) => a.id) });
    }
}

/**
 * Declares the user flow from stack config and links the web app to it. Resources are named `<name>-flow`,
 * `<name>-app` and `<name>-attr-<customAttributeName>`, children of a `SignUpSignIn` component named `name`.
 */
export function declareUserFlow(
    name: string,
    args: SignUpSignInArgs,
    opts?: pulumi.ComponentResourceOptions,
): { flow: UserFlow; link: UserFlowApplication; attributes: UserFlowAttribute[] } {
    const c = new SignUpSignIn(name, args, opts);
    return { flow: c.flow, link: c.link, attributes: c.attributes };
}
