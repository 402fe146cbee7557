import * as v from "valibot";

/**
 * What the daily D1 backup needs, from the analytics Worker's vars and secrets:
 *   BACKUP_ACCOUNT_ID     secret  the Cloudflare account that owns the databases (a secret only
 *                                 so that no account id is written into the repository)
 *   BACKUP_API_TOKEN      secret  an API token with D1 Read (export) on that account
 *   BACKUP_DATABASES      var     comma list of D1 database *names* (ids are looked up, because
 *                                 staging/production databases are provisioned on first deploy)
 *   BACKUP_RETENTION_DAYS var     how long daily dumps stay in R2 (Time Travel covers 30 days)
 */
export const BackupConfigSchema = v.object({
  BACKUP_ACCOUNT_ID: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, "must be a Cloudflare account id")),
  BACKUP_API_TOKEN: v.pipe(v.string(), v.minLength(20, "must be a Cloudflare API token")),
  BACKUP_DATABASES: v.pipe(
    v.string(),
    v.transform((s) =>
      s
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean),
    ),
    v.array(v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a D1 database name"))),
    v.minLength(1, "must name at least one database"),
  ),
  BACKUP_RETENTION_DAYS: v.pipe(
    v.optional(v.string(), "90"),
    v.regex(/^\d{1,4}$/, "must be a whole number of days"),
    v.transform(Number),
    v.minValue(1),
  ),
});
export type BackupConfig = v.InferOutput<typeof BackupConfigSchema>;

/**
 * The backup settings, or the reason they are unusable. Absent settings are normal in local
 * development (there is no account), so this never throws: the job logs and skips instead.
 */
export function backupConfigFrom(env: object): { ok: true; config: BackupConfig } | { ok: false; reason: string } {
  const result = v.safeParse(BackupConfigSchema, env);
  if (result.success) return { ok: true, config: result.output };
  return {
    ok: false,
    reason: result.issues.map((i) => `${v.getDotPath(i) ?? "env"}: ${i.message}`).join("; "),
  };
}
