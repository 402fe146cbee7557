// Independent oracle (issue 3, "Done when"): id_tokens minted by our platform simulator
// (tests/support/lti-platform.ts, the same one the gateway's workerd tests launch with) must also be
// accepted by ltijs's validator, so our "valid" launches are valid by someone else's reading of
// the spec too. Runs in Node (ltijs is a Node library), offline: the platform key is handed to
// ltijs as a JWK, and its nonce store is an in-memory double.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, it } from "node:test";

const require = createRequire(import.meta.url);
const Auth = require("ltijs/dist/Utils/Auth.js");
const { ROLE, SimulatedPlatform } = await import(
  join(import.meta.dirname, "..", "..", "..", "tests", "support", "lti-platform.ts")
);

const TARGET = "http://localhost/lti/launch";

function nonceStore() {
  const seen = new Set();
  return {
    Get: async (_key, _collection, query) => (seen.has(query.nonce) ? [query] : false),
    Insert: async (_key, _collection, item) => {
      seen.add(item.nonce);
    },
  };
}

/** ltijs's view of a registered platform, keyed like ours by (issuer, client id). */
function ltijsPlatform(platform) {
  return async (iss, clientId) =>
    iss === platform.issuer && clientId === platform.clientId
      ? {
          platformActive: async () => true,
          platformClientId: async () => platform.clientId,
          platformKid: async () => `${platform.issuer}|${platform.clientId}`,
          platformAuthConfig: async () => ({ method: "JWK_KEY", key: platform.currentKey.publicJwk }),
        }
      : false;
}

async function ltijsValidate(platform, token) {
  return Auth.validateToken(
    token,
    false,
    { iss: platform.issuer, maxAge: 60 },
    ltijsPlatform(platform),
    "",
    nonceStore(),
  );
}

const shapes = [
  ["canvas", "https://canvas.instructure.com"],
  ["moodle", "https://moodle.example.edu"],
];

for (const [shape, origin] of shapes) {
  describe(`simulated ${shape} id_tokens accepted by ltijs`, () => {
    const cases = [
      ["learner resource-link launch", {}],
      [
        "instructor launch with Names and Roles",
        { user: { sub: "t-1", name: "Grace Hopper", roles: [ROLE.instructor] }, nrps: true },
      ],
      ["short role", { user: { sub: "s-1", roles: ["Learner"] } }],
      ["unknown role", { user: { sub: "s-2", roles: ["http://example.com/roles#Wizard"] } }],
      ["no role", { user: { sub: "s-3", roles: [] } }],
      ["no PII, no context", { user: { sub: "s-4", roles: [ROLE.learner] }, context: null }],
      ["deep-linking request", { messageType: "LtiDeepLinkingRequest", deepLinkData: "opaque" }],
    ];
    for (const [label, opts] of cases) {
      it(label, async () => {
        const platform = await SimulatedPlatform.create({ shape, origin });
        const claims = platform.idTokenClaims({ nonce: `n-${label}`, targetLinkUri: TARGET, ...opts });
        const verified = await ltijsValidate(platform, await platform.sign(claims));
        assert.equal(verified.iss, platform.issuer);
        assert.equal(verified.clientId, platform.clientId);
        assert.equal(verified["https://purl.imsglobal.org/spec/lti/claim/deployment_id"], platform.deploymentId);
      });
    }

    it("and ltijs refuses a tampered one (the oracle really checks)", async () => {
      const platform = await SimulatedPlatform.create({ shape, origin });
      const token = await platform.sign(platform.idTokenClaims({ nonce: "n-tamper", targetLinkUri: TARGET }));
      const [h, , s] = token.split(".");
      const forged = Buffer.from(
        JSON.stringify({
          ...platform.idTokenClaims({ nonce: "n-tamper", targetLinkUri: TARGET }),
          sub: "someone-else",
        }),
      ).toString("base64url");
      await assert.rejects(ltijsValidate(platform, `${h}.${forged}.${s}`));
    });
  });
}
