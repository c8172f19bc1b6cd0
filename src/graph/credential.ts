import {
  AzureCliCredential,
  ChainedTokenCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from "@azure/identity";

/**
 * Credentials as the Azure SDKs name them in the environment (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
 * `AZURE_CLIENT_SECRET` or `AZURE_CLIENT_CERTIFICATE_PATH`, `AZURE_AUTHORITY_HOST`), then managed
 * identity and the Azure CLI; device code when the responder asks for interactive sign-in.
 */

/** The public Microsoft identity clouds; any other authority host (an emulator, a proxy) is not one. */
const MICROSOFT_AUTHORITY_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
  "login.microsoftonline.de",
]);

export function isMicrosoftAuthorityHost(authorityHost: string): boolean {
  try {
    return MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase());
  } catch {
    return false;
  }
}

export interface CredentialOptions {
  /** Device-code sign-in (the prompt goes to stderr) instead of the non-interactive chain. */
  interactive?: boolean;
  /** Where the device-code prompt is written; default stderr. */
  prompt?: (message: string) => void;
}

export type CredentialEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * Builds the credential the environment describes. MSAL validates an authority against the public
 * cloud's instance-discovery endpoint unless told not to, which fails for any other host (graph-entra
 * Appendix B) — so instance discovery is disabled whenever the authority is not a Microsoft cloud.
 */
export function credentialFromEnvironment(
  env: CredentialEnvironment = process.env,
  options: CredentialOptions = {},
): TokenCredential {
  const tenantId = env.AZURE_TENANT_ID;
  const clientId = env.AZURE_CLIENT_ID;
  const authorityHost = env.AZURE_AUTHORITY_HOST || undefined;
  const common = {
    ...(authorityHost ? { authorityHost } : {}),
    disableInstanceDiscovery: authorityHost !== undefined && !isMicrosoftAuthorityHost(authorityHost),
  };

  if (options.interactive) {
    const prompt = options.prompt ?? ((message: string) => process.stderr.write(`${message}\n`));
    return new DeviceCodeCredential({
      ...common,
      ...(tenantId ? { tenantId } : {}),
      ...(clientId ? { clientId } : {}),
      userPromptCallback: (info) => prompt(info.message),
    });
  }
  if (tenantId && clientId && env.AZURE_CLIENT_SECRET) {
    return new ClientSecretCredential(tenantId, clientId, env.AZURE_CLIENT_SECRET, common);
  }
  if (tenantId && clientId && env.AZURE_CLIENT_CERTIFICATE_PATH) {
    return new ClientCertificateCredential(
      tenantId,
      clientId,
      {
        certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH,
        ...(env.AZURE_CLIENT_CERTIFICATE_PASSWORD
          ? { certificatePassword: env.AZURE_CLIENT_CERTIFICATE_PASSWORD }
          : {}),
      },
      { ...common, sendCertificateChain: env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN === "true" },
    );
  }
  return new ChainedTokenCredential(
    new ManagedIdentityCredential(clientId ? { clientId } : {}),
    new AzureCliCredential(tenantId ? { tenantId } : {}),
  );
}
