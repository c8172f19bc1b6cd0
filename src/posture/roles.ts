/**
 * The roles posture treats as privileged ("Tier 0" for CM0071). The first eight are ScubaGear's
 * "highly privileged roles" (baseline aad.md, MS.AAD.3.6 / 7.x); the rest can change who holds MFA
 * methods, policies or devices, which is exactly what this incident abused. Ids are role template
 * ids, the ids Conditional Access `includeRoles` / `excludeRoles` use.
 */
export const HIGHLY_PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
  "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
  "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": "SharePoint Administrator",
  "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
  "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": "Hybrid Identity Administrator",
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
  "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
};

export const AUTHENTICATION_CONTROL_ROLES: Readonly<Record<string, string>> = {
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
  "c4e39bd9-1100-46d3-8c65-fb160da0071f": "Authentication Administrator",
  "0526716b-113d-4c15-b2c8-68e3c22b9f80": "Authentication Policy Administrator",
  "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
  "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
  "7698a772-787b-4ac8-901f-60d6b08affd2": "Cloud Device Administrator",
  "3a2c62db-5318-420d-8d74-23affee5d9d5": "Intune Administrator",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
  "966707d0-3269-4727-9be2-8c3a10f19b9d": "Password Administrator",
};

export const PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  ...HIGHLY_PRIVILEGED_ROLES,
  ...AUTHENTICATION_CONTROL_ROLES,
};

export const GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
