/**
 * The database identity of the application: its own PostgreSQL role, which logs in
 * with IAM authentication (`rds_iam`), never with a password, and may read and write
 * rows, not change the schema. The migration task creates it, as the master user,
 * before `manage.py migrate`: APP_ROLE_BOOTSTRAP is a Python program (psycopg, which
 * the application image has for PostgreSQL anyway) that the migration container runs
 * as `python -c`, and which then replaces itself with the migration.
 *
 * It is idempotent (every run repeats it) and reads only the environment: DB_HOST,
 * DB_PORT, DB_NAME, DB_USER/DB_PASSWORD (the master user, from its RDS-managed
 * secret), DB_APP_USER (the role to create), and APP_ROLE_BOOTSTRAP_MIGRATE (the
 * command to exec afterwards, default `python manage.py migrate --noinput`).
 *
 * The grants: CONNECT on the database, USAGE on schema public, SELECT, INSERT, UPDATE,
 * DELETE on every table, USAGE and SELECT on every sequence, now and (default
 * privileges of the master user) for every table and sequence later migrations create.
 * No CREATE, no ownership, no TRUNCATE, no DDL: only migrations change the schema.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.DBAccounts.html
 *
 * __tests__/constructs/database/app-role.test.ts runs it against a real PostgreSQL.
 */

/** The Python program; kept free of shell syntax so it is passed as one argv element. */
export const APP_ROLE_BOOTSTRAP = String.raw`
import os, sys
import psycopg
from psycopg import sql

env = os.environ
app = env["DB_APP_USER"]
master = env["DB_USER"]
if app == master:
    sys.exit("DB_APP_USER must differ from the master user DB_USER")
conn = psycopg.connect(host=env["DB_HOST"], port=env.get("DB_PORT", "5432"), dbname=env["DB_NAME"], user=master,
                       password=env["DB_PASSWORD"], sslmode=env.get("DB_SSLMODE", "require"), connect_timeout=30)
conn.autocommit = True
cur = conn.cursor()
role, db = sql.Identifier(app), sql.Identifier(env["DB_NAME"])
if cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (app,)).fetchone() is None:
    cur.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT").format(role))
cur.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD NULL CONNECTION LIMIT -1").format(role))
cur.execute(sql.SQL("GRANT rds_iam TO {}").format(role))
cur.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, role))
cur.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
cur.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role))
cur.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role))
cur.execute(sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}").format(sql.Identifier(master), role))
cur.execute(sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(sql.Identifier(master), role))
conn.close()
print("app role " + app + ": login through IAM (rds_iam), rows only", flush=True)
command = env.get("APP_ROLE_BOOTSTRAP_MIGRATE", "python manage.py migrate --noinput").split()
os.execvp(command[0], command)
`.trim();
