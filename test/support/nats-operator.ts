/**
 * nats-server in operator (decentralised JWT) mode, for exporter.nats.credentials: an operator,
 * a system account (JetStream needs one), an account with JetStream and a user of it, each
 * an nkey pair, the accounts' JWTs preloaded into the server's memory resolver, and the user's
 * `.creds` file as `nsc` writes it (the user JWT, then the seed). JWTs follow the NATS JWT v2
 * layout: header {typ: JWT, alg: ed25519-nkey}, claims with `nats.type` and `version: 2`,
 * signed with the issuer's key (the operator signs accounts, the account signs its users).
 */
import { createHash } from 'node:crypto';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';

const b64url = (b: Uint8Array | string): string => Buffer.from(b).toString('base64url');

function jwt(issuer: KeyPair, subject: string, name: string, nats: Record<string, unknown>): string {
  const claims: Record<string, unknown> = { iat: Math.floor(Date.now() / 1000), iss: issuer.getPublicKey(), name, sub: subject, nats: { ...nats, version: 2 } };
  claims.jti = createHash('sha256').update(JSON.stringify(claims)).digest('base64url');
  const signing = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }))}.${b64url(JSON.stringify(claims))}`;
  return `${signing}.${b64url(issuer.sign(Buffer.from(signing)))}`;
}

const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

/** The server's configuration lines and a user's credentials file content. */
export function operatorMode(): { config: string; creds: string } {
  const operator = createOperator(), system = createAccount(), account = createAccount(), user = createUser();
  const systemJwt = jwt(operator, system.getPublicKey(), 'SYS', { type: 'account', limits: UNLIMITED });
  const accountJwt = jwt(operator, account.getPublicKey(), 'netspot', {
    type: 'account',
    limits: { ...UNLIMITED, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 },
  });
  const userJwt = jwt(account, user.getPublicKey(), 'sensor', { type: 'user', pub: {}, sub: {}, subs: -1, data: -1, payload: -1 });
  const config = [
    `operator: ${jwt(operator, operator.getPublicKey(), 'test operator', { type: 'operator' })}`,
    'resolver: MEMORY',
    `system_account: ${system.getPublicKey()}`,
    'resolver_preload: {',
    `  ${system.getPublicKey()}: ${systemJwt}`,
    `  ${account.getPublicKey()}: ${accountJwt}`,
    '}',
    '',
  ].join('\n');
  const creds = [
    '-----BEGIN NATS USER JWT-----', userJwt, '------END NATS USER JWT------', '',
    '-----BEGIN USER NKEY SEED-----', new TextDecoder().decode(user.getSeed()), '------END USER NKEY SEED------', '',
  ].join('\n');
  return { config, creds };
}
