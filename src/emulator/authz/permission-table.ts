/**
 * Application permissions per emulator route, as ../shared/reference/graph-metadata/permissions.json
 * (microsoft-graph-devx-content, commit 6cbd6bbd) lists them: `least` are the least-privileged
 * choices, `accepted` every application permission that grants the route, `alsoRequires` the
 * permissions an accepted one needs alongside it. Built in because ../shared is absent on a fresh
 * clone; test/emulator/permissions-contract.test.ts derives the same table from the file and
 * asserts they agree. Keys: method plus lower-cased path with every parameter as `{id}`.
 */

export interface PermissionEntry {
  least: string[];
  accepted: string[];
  alsoRequires?: Record<string, string[]>;
}

export const PERMISSION_TABLE: Record<string, PermissionEntry> = {
  ...DERIVED_FROM_PERMISSIONS_JSON(),
  ...NOT_IN_PERMISSIONS_JSON(),
};

function DERIVED_FROM_PERMISSIONS_JSON(): Record<string, PermissionEntry> {
  return {
    "DELETE /devices/{id}": {
      least: ["Device.ReadWrite.All"],
      accepted: ["Device.ReadWrite.All"],
    },
    "DELETE /identity/conditionalaccess/namedlocations/{id}": {
      least: ["Policy.Read.All"],
      accepted: ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"],
    },
    "DELETE /identity/conditionalaccess/policies/{id}": {
      least: ["Policy.Read.All"],
      accepted: ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"],
    },
    "DELETE /users/{id}/authentication/emailmethods/{id}": {
      least: ["UserAuthMethod-Email.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-Email.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "DELETE /users/{id}/authentication/externalauthenticationmethods/{id}": {
      least: ["UserAuthMethod-External.ReadWrite.All"],
      accepted: ["UserAuthMethod-External.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "DELETE /users/{id}/authentication/fido2methods/{id}": {
      least: ["UserAuthMethod-Passkey.ReadWrite.All"],
      accepted: ["UserAuthMethod-Passkey.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "DELETE /users/{id}/authentication/microsoftauthenticatormethods/{id}": {
      least: ["UserAuthMethod-MicrosoftAuthApp.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-MicrosoftAuthApp.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "DELETE /users/{id}/authentication/phonemethods/{id}": {
      least: ["UserAuthMethod-Phone.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-Phone.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "DELETE /users/{id}/authentication/platformcredentialmethods/{id}": {
      least: ["UserAuthMethod-PlatformCred.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-PlatformCred.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "DELETE /users/{id}/authentication/softwareoathmethods/{id}": {
      least: ["UserAuthMethod-SoftwareOATH.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-SoftwareOATH.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "DELETE /users/{id}/authentication/temporaryaccesspassmethods/{id}": {
      least: ["UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "DELETE /users/{id}/authentication/windowshelloforbusinessmethods/{id}": {
      least: ["UserAuthMethod-WindowsHello.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-WindowsHello.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "GET /auditlogs/directoryaudits": {
      least: ["AuditLog.Read.All"],
      accepted: ["AuditLog.Read.All", "Directory.Read.All"],
    },
    "GET /auditlogs/directoryaudits/{id}": {
      least: ["AuditLog.Read.All"],
      accepted: ["AuditLog.Read.All", "Directory.Read.All"],
    },
    "GET /auditlogs/signins": {
      least: ["AuditLog.Read.All"],
      accepted: ["AuditLog.Read.All"],
    },
    "GET /auditlogs/signins/{id}": {
      least: ["AuditLog.Read.All"],
      accepted: ["AuditLog.Read.All"],
    },
    "GET /devicemanagement/manageddevices": {
      least: ["DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"],
      accepted: [
        "DeviceManagementConfiguration.Read.All",
        "DeviceManagementConfiguration.ReadWrite.All",
        "DeviceManagementManagedDevices.Read.All",
        "DeviceManagementManagedDevices.ReadWrite.All",
      ],
    },
    "GET /devicemanagement/manageddevices/{id}": {
      least: ["DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"],
      accepted: [
        "DeviceManagementConfiguration.Read.All",
        "DeviceManagementConfiguration.ReadWrite.All",
        "DeviceManagementManagedDevices.Read.All",
        "DeviceManagementManagedDevices.ReadWrite.All",
      ],
    },
    "GET /devices": {
      least: ["Device.Read.All"],
      accepted: ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    },
    "GET /devices/{id}": {
      least: ["Device.Read.All", "Device.ReadWrite.All"],
      accepted: ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    },
    "GET /devices/{id}/registeredowners": {
      least: ["Device.Read.All"],
      accepted: ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    },
    "GET /devices/{id}/registeredusers": {
      least: ["Device.Read.All"],
      accepted: ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    },
    "GET /directoryroles": {
      least: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "RoleManagement.Read.Directory",
        "RoleManagement.ReadWrite.Directory",
      ],
    },
    "GET /directoryroles/{id}": {
      least: ["RoleManagement.Read.Directory"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "RoleManagement.Read.Directory",
        "RoleManagement.ReadWrite.Directory",
      ],
    },
    "GET /directoryroles/{id}/members": {
      least: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "RoleManagement.Read.Directory",
        "RoleManagement.ReadWrite.Directory",
      ],
    },
    "GET /groups": {
      least: ["Group-NestingSupport.ReadWrite.All", "Group.ReadBasic.All"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "Group-NestingSupport.ReadWrite.All",
        "Group-PreferredDataLocation.ReadWrite.All",
        "Group.ManageProtection.All",
        "Group.Read.All",
        "Group.ReadBasic.All",
        "Group.ReadWrite.All",
        "GroupMember.Read.All",
      ],
    },
    "GET /groups/{id}": {
      least: ["Group-NestingSupport.ReadWrite.All"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "Group-NestingSupport.ReadWrite.All",
        "Group-PreferredDataLocation.ReadWrite.All",
        "Group-XTenantIdentitySync.Read.All",
        "Group.ManageProtection.All",
        "Group.Read.All",
        "Group.ReadBasic.All",
        "Group.ReadWrite.All",
        "GroupMember.Read.All",
      ],
    },
    "GET /groups/{id}/members": {
      least: ["GroupMember.ReadBasic.All"],
      accepted: [
        "Directory.Read.All",
        "Group.Read.All",
        "Group.ReadBasic.All",
        "Group.ReadWrite.All",
        "GroupMember.Read.All",
        "GroupMember.ReadBasic.All",
        "GroupMember.ReadWrite.All",
      ],
    },
    "GET /groups/{id}/transitivemembers": {
      least: ["GroupMember.ReadBasic.All"],
      accepted: [
        "Directory.Read.All",
        "Group.Read.All",
        "Group.ReadBasic.All",
        "Group.ReadWrite.All",
        "GroupMember.Read.All",
        "GroupMember.ReadBasic.All",
        "GroupMember.ReadWrite.All",
      ],
    },
    "GET /identity/conditionalaccess/namedlocations": {
      least: ["Policy.Read.All"],
      accepted: ["Policy.Read.All"],
    },
    "GET /identity/conditionalaccess/namedlocations/{id}": {
      least: ["Policy.Read.All"],
      accepted: ["Policy.Read.All"],
    },
    "GET /identity/conditionalaccess/policies": {
      least: ["Policy.Read.All"],
      accepted: ["Policy.Read.All"],
    },
    "GET /identity/conditionalaccess/policies/{id}": {
      least: ["Policy.Read.All"],
      accepted: ["Policy.Read.All"],
    },
    "GET /identityprotection/riskdetections": {
      least: ["IdentityRiskEvent.Read.All"],
      accepted: ["IdentityRiskEvent.Read.All"],
    },
    "GET /identityprotection/riskdetections/{id}": {
      least: ["IdentityRiskEvent.Read.All"],
      accepted: ["IdentityRiskEvent.Read.All"],
    },
    "GET /identityprotection/riskyusers": {
      least: ["IdentityRiskyUser.Read.All"],
      accepted: ["IdentityRiskyUser.Read.All"],
    },
    "GET /identityprotection/riskyusers/{id}": {
      least: ["IdentityRiskyUser.Read.All"],
      accepted: ["IdentityRiskyUser.Read.All"],
    },
    "GET /policies/authenticationmethodspolicy": {
      least: ["Policy.Read.AuthenticationMethod", "Policy.ReadWrite.AuthenticationMethod"],
      accepted: [
        "Policy.Read.All",
        "Policy.Read.AuthenticationMethod",
        "Policy.ReadWrite.AuthenticationMethod",
      ],
    },
    "GET /policies/authenticationmethodspolicy/authenticationmethodconfigurations/{id}": {
      least: ["Policy.Read.AuthenticationMethod"],
      accepted: [
        "Policy.Read.All",
        "Policy.Read.AuthenticationMethod",
        "Policy.ReadWrite.AuthenticationMethod",
      ],
    },
    "GET /policies/authenticationstrengthpolicies": {
      least: ["Policy.Read.AuthenticationMethod"],
      accepted: [
        "Policy.Read.All",
        "Policy.Read.AuthenticationMethod",
        "Policy.ReadWrite.AuthenticationMethod",
        "Policy.ReadWrite.ConditionalAccess",
      ],
    },
    "GET /policies/authenticationstrengthpolicies/{id}": {
      least: ["Policy.Read.AuthenticationMethod"],
      accepted: [
        "Policy.Read.All",
        "Policy.Read.AuthenticationMethod",
        "Policy.ReadWrite.AuthenticationMethod",
        "Policy.ReadWrite.ConditionalAccess",
      ],
    },
    "GET /policies/authorizationpolicy": {
      least: ["Policy.Read.All", "Policy.ReadWrite.Authorization"],
      accepted: ["Policy.Read.All", "Policy.ReadWrite.Authorization"],
    },
    "GET /policies/deviceregistrationpolicy": {
      least: ["Policy.Read.DeviceConfiguration"],
      accepted: ["Policy.Read.DeviceConfiguration", "Policy.ReadWrite.DeviceConfiguration"],
    },
    "GET /policies/identitysecuritydefaultsenforcementpolicy": {
      least: ["Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"],
      accepted: ["Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"],
      alsoRequires: {
        "Policy.ReadWrite.SecurityDefaults": ["Policy.Read.All"],
      },
    },
    "GET /reports/authenticationmethods/userregistrationdetails": {
      least: ["AuditLog.Read.All"],
      accepted: ["AuditLog.Read.All"],
    },
    "GET /reports/authenticationmethods/userregistrationdetails/{id}": {
      least: ["AuditLog.Read.All"],
      accepted: ["AuditLog.Read.All"],
    },
    "GET /rolemanagement/directory/roleassignments": {
      least: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "RoleManagement.Read.Directory",
        "RoleManagement.ReadWrite.Directory",
      ],
    },
    "GET /rolemanagement/directory/roleassignments/{id}": {
      least: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "RoleManagement.Read.Directory",
        "RoleManagement.ReadWrite.Directory",
      ],
    },
    "GET /rolemanagement/directory/roledefinitions": {
      least: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "RoleManagement.Read.All",
        "RoleManagement.Read.Directory",
        "RoleManagement.ReadWrite.Directory",
      ],
    },
    "GET /rolemanagement/directory/roledefinitions/{id}": {
      least: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "RoleManagement.Read.All",
        "RoleManagement.Read.Directory",
        "RoleManagement.ReadWrite.Directory",
      ],
    },
    "GET /users": {
      least: ["User.ReadBasic.All", "User.ReadWrite.All"],
      accepted: [
        "AgentIdUser.ReadWrite.All",
        "AgentIdUser.ReadWrite.IdentityParentedBy",
        "DeviceManagementApps.Read.All",
        "DeviceManagementApps.ReadWrite.All",
        "DeviceManagementConfiguration.Read.All",
        "DeviceManagementConfiguration.ReadWrite.All",
        "DeviceManagementManagedDevices.Read.All",
        "DeviceManagementManagedDevices.ReadWrite.All",
        "DeviceManagementServiceConfig.Read.All",
        "DeviceManagementServiceConfig.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "User.Read.All",
        "User.ReadBasic.All",
        "User.ReadWrite.All",
        "User.ReadWrite.CrossCloud",
      ],
    },
    "GET /users/{id}": {
      least: ["User.ReadBasic.All", "User.ReadWrite.All"],
      accepted: [
        "AgentIdUser.ReadWrite.All",
        "AgentIdUser.ReadWrite.IdentityParentedBy",
        "DeviceManagementApps.Read.All",
        "DeviceManagementApps.ReadWrite.All",
        "DeviceManagementConfiguration.Read.All",
        "DeviceManagementConfiguration.ReadWrite.All",
        "DeviceManagementManagedDevices.Read.All",
        "DeviceManagementManagedDevices.ReadWrite.All",
        "DeviceManagementServiceConfig.Read.All",
        "DeviceManagementServiceConfig.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "User.Read.All",
        "User.ReadBasic.All",
        "User.ReadWrite.All",
        "User.ReadWrite.CrossCloud",
      ],
    },
    "GET /users/{id}/authentication/emailmethods": {
      least: ["UserAuthMethod-Email.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: [
        "UserAuthMethod-Email.Read.All",
        "UserAuthMethod-Email.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/emailmethods/{id}": {
      least: ["UserAuthMethod-Email.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: [
        "UserAuthMethod-Email.Read.All",
        "UserAuthMethod-Email.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/externalauthenticationmethods": {
      least: ["UserAuthMethod-External.Read.All"],
      accepted: [
        "UserAuthMethod-External.Read.All",
        "UserAuthMethod-External.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/externalauthenticationmethods/{id}": {
      least: ["UserAuthMethod-External.Read.All"],
      accepted: [
        "UserAuthMethod-External.Read.All",
        "UserAuthMethod-External.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/fido2methods": {
      least: ["UserAuthMethod-Passkey.Read.All"],
      accepted: ["UserAuthMethod-Passkey.Read.All"],
    },
    "GET /users/{id}/authentication/fido2methods/{id}": {
      least: ["UserAuthMethod-Passkey.Read.All"],
      accepted: [
        "UserAuthMethod-Passkey.Read.All",
        "UserAuthMethod-Passkey.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/methods": {
      least: ["UserAuthenticationMethod.Read.All"],
      accepted: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "GET /users/{id}/authentication/methods/{id}": {
      least: ["UserAuthenticationMethod.Read.All"],
      accepted: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "GET /users/{id}/authentication/microsoftauthenticatormethods": {
      least: ["UserAuthMethod-MicrosoftAuthApp.Read.All"],
      accepted: [
        "UserAuthMethod-MicrosoftAuthApp.Read.All",
        "UserAuthMethod-MicrosoftAuthApp.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/microsoftauthenticatormethods/{id}": {
      least: ["UserAuthMethod-MicrosoftAuthApp.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: [
        "UserAuthMethod-MicrosoftAuthApp.Read.All",
        "UserAuthMethod-MicrosoftAuthApp.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/passwordmethods": {
      least: ["UserAuthMethod-Password.Read.All"],
      accepted: [
        "UserAuthMethod-Password.Read.All",
        "UserAuthMethod-Password.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/passwordmethods/{id}": {
      least: ["UserAuthMethod-Password.Read.All"],
      accepted: [
        "UserAuthMethod-Password.Read.All",
        "UserAuthMethod-Password.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/phonemethods": {
      least: ["UserAuthMethod-Phone.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: [
        "UserAuthMethod-Phone.Read.All",
        "UserAuthMethod-Phone.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/phonemethods/{id}": {
      least: ["UserAuthMethod-Phone.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: [
        "UserAuthMethod-Phone.Read.All",
        "UserAuthMethod-Phone.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/platformcredentialmethods": {
      least: ["UserAuthMethod-PlatformCred.Read.All"],
      accepted: [
        "UserAuthMethod-PlatformCred.Read.All",
        "UserAuthMethod-PlatformCred.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/platformcredentialmethods/{id}": {
      least: ["UserAuthMethod-PlatformCred.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: [
        "UserAuthMethod-PlatformCred.Read.All",
        "UserAuthMethod-PlatformCred.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/softwareoathmethods": {
      least: ["UserAuthMethod-SoftwareOATH.Read.All"],
      accepted: [
        "UserAuthMethod-SoftwareOATH.Read.All",
        "UserAuthMethod-SoftwareOATH.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/softwareoathmethods/{id}": {
      least: ["UserAuthMethod-SoftwareOATH.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: [
        "UserAuthMethod-SoftwareOATH.Read.All",
        "UserAuthMethod-SoftwareOATH.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/temporaryaccesspassmethods": {
      least: ["UserAuthMethod-TAP.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: [
        "UserAuthMethod-TAP.Read.All",
        "UserAuthMethod-TAP.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/temporaryaccesspassmethods/{id}": {
      least: ["UserAuthMethod-TAP.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: [
        "UserAuthMethod-TAP.Read.All",
        "UserAuthMethod-TAP.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/windowshelloforbusinessmethods": {
      least: ["UserAuthMethod-WindowsHello.Read.All"],
      accepted: [
        "UserAuthMethod-WindowsHello.Read.All",
        "UserAuthMethod-WindowsHello.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/authentication/windowshelloforbusinessmethods/{id}": {
      least: ["UserAuthMethod-WindowsHello.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: [
        "UserAuthMethod-WindowsHello.Read.All",
        "UserAuthMethod-WindowsHello.ReadWrite.All",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
      ],
    },
    "GET /users/{id}/memberof": {
      least: ["Directory.Read.All"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "Group.ReadBasic.All",
        "GroupMember.ReadBasic.All",
      ],
    },
    "GET /users/{id}/owneddevices": {
      least: ["User.Read.All"],
      accepted: ["Directory.Read.All", "Directory.ReadWrite.All", "User.Read.All", "User.ReadWrite.All"],
    },
    "GET /users/{id}/registereddevices": {
      least: ["User.Read.All"],
      accepted: ["Directory.Read.All", "Directory.ReadWrite.All", "User.Read.All", "User.ReadWrite.All"],
    },
    "GET /users/{id}/transitivememberof": {
      least: ["User.Read.All"],
      accepted: [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "Group.Read.All",
        "Group.ReadBasic.All",
        "GroupMember.Read.All",
        "GroupMember.ReadBasic.All",
        "User.Read.All",
      ],
    },
    "PATCH /devices/{id}": {
      least: ["Device.ReadWrite.All"],
      accepted: ["Device.ReadWrite.All", "Directory.ReadWrite.All"],
    },
    "PATCH /identity/conditionalaccess/namedlocations/{id}": {
      least: ["Policy.Read.All"],
      accepted: ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"],
    },
    "PATCH /identity/conditionalaccess/policies/{id}": {
      least: ["Policy.Read.All"],
      accepted: ["Application.Read.All", "Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"],
    },
    "PATCH /policies/authenticationmethodspolicy": {
      least: ["Policy.ReadWrite.AuthenticationMethod"],
      accepted: ["Policy.ReadWrite.AuthenticationMethod"],
    },
    "PATCH /policies/authenticationmethodspolicy/authenticationmethodconfigurations/{id}": {
      least: ["Policy.ReadWrite.AuthenticationMethod"],
      accepted: ["Policy.ReadWrite.AuthenticationMethod"],
    },
    "PATCH /policies/identitysecuritydefaultsenforcementpolicy": {
      least: ["Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"],
      accepted: [
        "Policy.Read.All",
        "Policy.ReadWrite.ConditionalAccess",
        "Policy.ReadWrite.SecurityDefaults",
      ],
      alsoRequires: {
        "Policy.ReadWrite.ConditionalAccess": ["Policy.Read.All"],
        "Policy.ReadWrite.SecurityDefaults": ["Policy.Read.All"],
      },
    },
    "PATCH /users/{id}": {
      least: ["User.ReadWrite.All"],
      accepted: [
        "AgentIdUser.ReadWrite.All",
        "AgentIdUser.ReadWrite.IdentityParentedBy",
        "DeviceManagementApps.ReadWrite.All",
        "DeviceManagementConfiguration.ReadWrite.All",
        "DeviceManagementManagedDevices.ReadWrite.All",
        "DeviceManagementServiceConfig.ReadWrite.All",
        "Directory.ReadWrite.All",
        "User-Mail.ReadWrite.All",
        "User-PasswordProfile.ReadWrite.All",
        "User-Phone.ReadWrite.All",
        "User.EnableDisableAccount.All",
        "User.ManageIdentities.All",
        "User.ReadWrite.All",
        "User.ReadWrite.CrossCloud",
      ],
    },
    "PATCH /users/{id}/authentication/phonemethods/{id}": {
      least: ["UserAuthMethod-Phone.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-Phone.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "POST /devicemanagement/manageddevices/{id}/retire": {
      least: ["DeviceManagementManagedDevices.PrivilegedOperations.All"],
      accepted: ["DeviceManagementManagedDevices.PrivilegedOperations.All"],
    },
    "POST /identity/conditionalaccess/namedlocations": {
      least: ["Policy.Read.All"],
      accepted: ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"],
    },
    "POST /identity/conditionalaccess/policies": {
      least: ["Policy.Read.All"],
      accepted: ["Application.Read.All", "Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"],
    },
    "POST /identityprotection/riskyusers/confirmcompromised": {
      least: ["IdentityRiskyUser.ReadWrite.All"],
      accepted: ["IdentityRiskyUser.ReadWrite.All"],
    },
    "POST /identityprotection/riskyusers/dismiss": {
      least: ["IdentityRiskyUser.ReadWrite.All"],
      accepted: ["IdentityRiskyUser.ReadWrite.All"],
    },
    "POST /users/{id}/authentication/emailmethods": {
      least: ["UserAuthMethod-Email.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-Email.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "POST /users/{id}/authentication/phonemethods": {
      least: ["UserAuthMethod-Phone.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-Phone.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "POST /users/{id}/authentication/temporaryaccesspassmethods": {
      least: ["UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "POST /users/{id}/revokesigninsessions": {
      least: ["User.RevokeSessions.All"],
      accepted: [
        "AgentIdUser.ReadWrite.All",
        "AgentIdUser.ReadWrite.IdentityParentedBy",
        "Directory.ReadWrite.All",
        "User.ReadWrite.All",
        "User.RevokeSessions.All",
      ],
    },
  };
}

/**
 * Routes permissions.json does not list, with the permissions the reference gives for them
 * (graph-entra.md §3.1, §3.5, §9.1, §10). The contract test checks this set is exactly the
 * routes the file does not know.
 */
export function NOT_IN_PERMISSIONS_JSON(): Record<string, PermissionEntry> {
  const methodsPolicyRead = {
    least: ["Policy.Read.AuthenticationMethod"],
    accepted: [
      "Policy.Read.All",
      "Policy.Read.AuthenticationMethod",
      "Policy.ReadWrite.AuthenticationMethod",
    ],
  };
  return {
    // The password method has no DELETE; writers get the 405 the service gives, readers a 403.
    "DELETE /users/{id}/authentication/passwordmethods/{id}": {
      least: ["UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthenticationMethod.ReadWrite.All"],
    },
    "GET /policies/authenticationmethodspolicy/authenticationmethodconfigurations": methodsPolicyRead,
    // beta signInPreferences: not in the permissions snapshot (graph-entra.md §3.5, unconfirmed).
    "GET /users/{id}/authentication/signinpreferences": {
      least: ["UserAuthenticationMethod.Read.All"],
      accepted: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
    },
    "PATCH /users/{id}/authentication/signinpreferences": {
      least: ["UserAuthenticationMethod.ReadWrite.All"],
      accepted: ["UserAuthenticationMethod.ReadWrite.All"],
    },
    // $batch needs no permission itself; each inner request is authorized on its own.
    "POST /$batch": { least: [], accepted: [] },
  };
}
