/**
 * `$select` lists: only the properties the product reads (the Graph types in src/graph/types.ts),
 * so pages stay small and the resource-unit cost drops by one.
 */

export const USER_FIELDS = [
  "id",
  "userPrincipalName",
  "displayName",
  "mail",
  "givenName",
  "surname",
  "jobTitle",
  "department",
  "usageLocation",
  "country",
  "city",
  "userType",
  "accountEnabled",
  "createdDateTime",
  "onPremisesSyncEnabled",
  "onPremisesImmutableId",
  "signInSessionsValidFromDateTime",
  "lastPasswordChangeDateTime",
  "assignedLicenses",
];

export const DEVICE_FIELDS = [
  "id",
  "deviceId",
  "displayName",
  "accountEnabled",
  "operatingSystem",
  "operatingSystemVersion",
  "trustType",
  "profileType",
  "registrationDateTime",
  "approximateLastSignInDateTime",
  "isCompliant",
  "isManaged",
  "manufacturer",
  "model",
  "managementType",
  "enrollmentType",
  "mdmAppId",
  "deviceOwnership",
  "onPremisesSyncEnabled",
  "physicalIds",
  "systemLabels",
];

/** The owner/user references of a device: enough to join to users. */
export const REF_FIELDS = ["id", "displayName", "userPrincipalName"];

export const GROUP_FIELDS = [
  "id",
  "displayName",
  "mailNickname",
  "securityEnabled",
  "mailEnabled",
  "groupTypes",
  "isAssignableToRole",
];
