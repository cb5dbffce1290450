// A real OpenID Connect provider for the single sign-on tests (node-oidc-provider, OpenID
// Certified): discovery, an RS256-signed ID token (key made at start, published as JWKS), the
// token and userinfo endpoints. Never used outside the tests.
//
// Started by tests/accounts/test_sso.py as
//   node tests/oidc/provider.mjs ACCOUNTS.json REDIRECT_URI CLIENT_ID CLIENT_SECRET
// It listens on a free port of 127.0.0.1 and prints its issuer URL as the first line.
//
// The log-in screen is automated: GET /interaction/UID answers with a small form, and
// POST /interaction/UID/login with `account=NAME` logs that account in (no password: the test
// plays the user who has already proven who they are at their organisation). Consent is
// implied for the one static client, as for an organisation's own application. The accounts'
// claims (groups included) are read from ACCOUNTS.json at every request, so a test can change
// someone's groups between two log-ins.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const [accountsFile, redirectUri, clientId, clientSecret] = process.argv.slice(2);
const accounts = () => JSON.parse(readFileSync(accountsFile, 'utf8'));
const SCOPE = 'openid email profile';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-sleutel', alg: 'RS256', use: 'sig' };

let provider;
const server = createServer((req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) {
    provider.callback()(req, res);
    return;
  }
  interaction(req, res, match[2] === '/login').catch((error) => {
    res.statusCode = 500;
    res.end(String(error));
  });
});

async function interaction(req, res, submitted) {
  const details = await provider.interactionDetails(req, res);
  if (!submitted) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<form method="post" action="/interaction/${details.uid}/login">`
      + '<input name="account"><button>Inloggen</button></form>');
    return;
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const accountId = new URLSearchParams(body).get('account');
  if (!accounts()[accountId]) {
    await provider.interactionFinished(req, res, { error: 'access_denied' });
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId } });
}

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['alleen-voor-de-test'] },
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'groups'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      const claims = accounts()[id];
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(SCOPE);
      await grant.save();
      return grant;
    },
  });
  console.log(issuer);
});

process.on('SIGTERM', () => process.exit(0));
