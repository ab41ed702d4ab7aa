// `npm run token -- --sub alice --role user [--ttl 1h]`: prints a bearer token signed with AUTH_JWT_SECRET.
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../auth/config.js';
import { mintToken } from '../auth/token.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    role: { type: 'string', default: 'user' },
    ttl: { type: 'string', default: '1h' },
  },
});
const secret = process.env.AUTH_JWT_SECRET;
if (!secret) {
  console.error('token: AUTH_JWT_SECRET is not set (tokens for RS256/ES256 keys are minted by your identity provider)');
  process.exit(1);
}
if (!values.sub || !(ROLES as readonly string[]).includes(values.role!)) {
  console.error(`usage: npm run token -- --sub <user id> --role ${ROLES.join('|')} [--ttl 1h]`);
  process.exit(1);
}
console.log(
  await mintToken({
    secret,
    sub: values.sub,
    role: values.role as Role,
    ttl: values.ttl,
    subjectClaim: process.env.AUTH_JWT_SUBJECT_CLAIM || 'sub',
    roleClaim: process.env.AUTH_JWT_ROLE_CLAIM || 'role',
  }),
);
