/** Constants shared by the user-flow providers: Graph paths, OData types, input rules. */
/** The value Pulumi passes for inputs that are not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
export const DEFAULT_GRAPH_BASE_URL = "https://graph.microsoft.com";
export const FLOWS = "/identity/authenticationEventsFlows";
export const USER_FLOW_ATTRIBUTES = "/identity/userFlowAttributes";
export const FLOW_TYPE = "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
export const CAST = "microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
export const AMLS_TYPE = "microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp";
export const OAC_TYPE = "microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp";
export const IAFS_TYPE = "microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp";
export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const IDP_RE = /^[A-Za-z0-9]+-OAUTH$/;
export const CUSTOM_NAME_RE = /^[A-Za-z][A-Za-z0-9]{0,39}$/;
export const INPUT_TYPES = ["text", "radioSingleSelect", "checkboxMultiSelect", "boolean"];
export const DATA_TYPES = ["string", "boolean", "int64"];
/** The email input the tenant always collects; the provider owns it with the documented defaults. */
export const EMAIL_INPUT = {
    attribute: "email",
    label: "Email Address",
    inputType: "text",
    hidden: true,
    editable: false,
    writeToDirectory: true,
    required: true,
};
/** A read that 404s within this long after create is treated as replication delay, not deletion. */
export const RECENT_CREATE_MS = 10 * 60_000;


export function flowPath(id: string): string {
    return `${FLOWS}/${encodeURIComponent(id)}`;
}
export function idpPath(id: string): string {
    return `${flowPath(id)}/${CAST}/onAuthenticationMethodLoadStart/${AMLS_TYPE}/identityProviders`;
}
export function attrPath(id: string): string {
    return `${flowPath(id)}/${CAST}/onAttributeCollection/${OAC_TYPE}/attributes`;
}
export function linksPath(id: string): string {
    return `${flowPath(id)}/conditions/applications/includeApplications`;
}
