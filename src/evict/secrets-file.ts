import fs from "node:fs";

/**
 * `--reveal-secrets FILE`: the only place a generated password or a TAP code ever goes. The file is
 * created with mode 0600 (an existing file must already be private to the owner), and each secret
 * is appended once as a JSON line and flushed to disk before the call that sets it (for passwords)
 * or as soon as Graph returns it (TAP codes), so a crash cannot leave a credential that nobody
 * knows. A `confirmed` line follows once the write is known to have happened.
 */

export interface SecretRecord {
  planId: string;
  userId: string;
  userPrincipalName: string;
  stepId: string;
  kind: "password" | "temporaryAccessPass";
  secret: string;
  /** For a TAP: when it becomes usable and for how long. */
  startDateTime?: string;
  lifetimeInMinutes?: number;
}

export interface SecretSink {
  /** Written before the write that sets it (password) or right after Graph returns it (TAP). */
  record(secret: SecretRecord): void;
  confirm(stepId: string, how: string): void;
}

export class SecretsFileError extends Error {
  override name = "SecretsFileError";
}

export class SecretsFile implements SecretSink {
  private readonly fd: number;

  constructor(readonly path: string) {
    if (fs.existsSync(path)) {
      const mode = fs.statSync(path).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        throw new SecretsFileError(
          `${path} is readable by others (mode ${mode.toString(8)}); secrets are only written to a 0600 file`,
        );
      }
    }
    this.fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o600);
    // openSync's mode is filtered by the umask; make sure it is exactly 0600.
    fs.fchmodSync(this.fd, 0o600);
  }

  private write(line: Record<string, unknown>): void {
    fs.writeSync(this.fd, `${JSON.stringify(line)}\n`);
    fs.fsyncSync(this.fd);
  }

  record(secret: SecretRecord): void {
    this.write({ ...secret, writtenAt: new Date().toISOString() });
  }

  confirm(stepId: string, how: string): void {
    this.write({ stepId, confirmed: how, writtenAt: new Date().toISOString() });
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
