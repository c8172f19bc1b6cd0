/** Tenant-independent identifiers the service uses (graph-entra.md §9.5 and sign-in/audit records). */

export const ROLE = {
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  privilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  privilegedAuthenticationAdministrator: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
  authenticationAdministrator: "c4e39bd9-1100-46d3-8c65-fb160da0071f",
  userAdministrator: "fe930be7-5e62-47db-91af-98c3a49a38b1",
  helpdeskAdministrator: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  passwordAdministrator: "966707d0-3269-4727-9be2-8c3a10f19b9d",
  cloudDeviceAdministrator: "7698a772-787b-4ac8-901f-60d6b08affd2",
  intuneAdministrator: "3a2c62db-5318-420d-8d74-23affee5d9d5",
} as const;

/** Roles that may reset passwords / change methods of any user, administrators included. */
export const ROLES_FOR_ADMIN_TARGETS: readonly string[] = [
  ROLE.globalAdministrator,
  ROLE.privilegedAuthenticationAdministrator,
];

/** Roles that may reset passwords of non-administrators (app-only needs one of these on its service principal). */
export const ROLES_FOR_PASSWORD_RESET: readonly string[] = [
  ...ROLES_FOR_ADMIN_TARGETS,
  ROLE.userAdministrator,
  ROLE.helpdeskAdministrator,
  ROLE.passwordAdministrator,
  ROLE.authenticationAdministrator,
];

export const APP = {
  graph: "00000003-0000-0000-c000-000000000000",
  mySignins: "19db86c3-b2b9-44cc-b339-36da233a3be2",
  deviceRegistration: "01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9",
  officeHome: "4765445b-32c6-49b0-83e6-1d93765276ca",
  authenticationBroker: "29d9ed98-a469-4536-ade2-f981bc1d605e",
} as const;

export const GRAPH_AUDIENCE = "https://graph.microsoft.com";
