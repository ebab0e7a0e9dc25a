/** Inputs and outputs of the user-flow resources, and the options every provider accepts. */
import type { TokenCredential } from "@azure/identity";

export type AttributeInputType = "text" | "radioSingleSelect" | "checkboxMultiSelect" | "boolean";

/** One attribute collected on the sign-up page. */
export interface FlowAttributeInputs {
    /** Attribute id: a built-in id such as `city`, or a custom attribute's `extension_<hex>_<Name>` id. */
    readonly attribute: string;
    /** Label shown on the sign-up page. */
    readonly label: string;
    /** Whether the field must be filled in. Default false. */
    readonly required?: boolean;
    /** Input control. Default "text". */
    readonly inputType?: AttributeInputType;
    /** Choices for radio and checkbox inputs. */
    readonly options?: readonly { readonly label: string; readonly value: string }[];
    /** Data type of the attribute (used in the create body only). Default "string". */
    readonly dataType?: "string" | "boolean" | "int64";
}

export interface UserFlowInputs {
    readonly tenantId: string;
    readonly displayName: string;
    readonly signUpAllowed?: boolean;
    readonly identityProviders: readonly string[];
    readonly attributes?: readonly FlowAttributeInputs[];
    readonly version?: string;
    /**
     * Consent to take over the existing flow with this id (stack config `userFlow.adopt.flow`): used by create only,
     * when the same-name flow it finds has exactly this id; ignored by diff and never part of the outputs.
     */
    readonly adoptId?: string;
}

export interface UserFlowOutputs extends UserFlowInputs {
    /** When this provider created the flow; bounds the replication-delay window of read, update and delete. */
    readonly createdAt?: string;
}

export interface UserFlowApplicationInputs {
    readonly tenantId: string;
    readonly userFlowId: string;
    readonly appId: string;
    readonly version?: string;
}

export interface UserFlowApplicationOutputs extends UserFlowApplicationInputs {
    /** When this provider made the link; bounds the replication-delay window of read and delete. */
    readonly createdAt?: string;
}

export interface UserFlowAttributeInputs {
    readonly tenantId: string;
    /** Display name; Graph derives the id `extension_<hex>_<displayName>` from it. */
    readonly displayName: string;
    readonly dataType: "string" | "boolean" | "int64";
    readonly description?: string;
    readonly version?: string;
    /** Consent to take over the existing attribute with this id (`userFlow.adopt.attributes.<name>`); create only. */
    readonly adoptId?: string;
}

export interface UserFlowAttributeOutputs extends UserFlowAttributeInputs {
    /** The attribute id (same as the resource id). */
    readonly attributeId?: string;
    /** When this provider created the attribute; bounds the replication-delay window of read, update and delete. */
    readonly createdAt?: string;
}

/** Options for tests and special setups; the default provider uses none and reads only the environment. */
export interface ProviderOptions {
    /** Token credential to use instead of one built from the environment. */
    readonly credential?: TokenCredential;
    /** Graph root, e.g. https://127.0.0.1:8443 (default: GRAPH_BASE_URL, else https://graph.microsoft.com). */
    readonly baseUrl?: string;
    /** First wait of the replication-delay backoff, doubled each time (default 2000 ms). */
    readonly backoffBaseMs?: number;
    /** Upper bound of the waits of one operation (default: GRAPH_MAX_WAIT_SECONDS × 1000, else 300000 ms). */
    readonly maxWaitMs?: number;
    /** How to wait (default: a timer). Tests pass a recorder. */
    readonly sleep?: (ms: number) => Promise<void>;
}
