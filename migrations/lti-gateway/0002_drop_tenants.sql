-- Migration number: 0002 	 lti-gateway: drop the unused tenants table
-- Tenants live in KV (PLATFORMS: registrations and the tenant record); nothing has read or
-- written this table since the first release, so dropping it is a contract step no deployed
-- version depends on (scripts/check-migrations.mjs checks the released code does not read it).
DROP TABLE tenants;
