import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readPermissionClaims } from '../../src/api/permissionClaims.js';

/** An unsigned JWT with these claims: readPermissionClaims never looks at the signature. */
function jwt(claims: unknown): string {
  const part = (value: unknown): string =>
    Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe('readPermissionClaims', () => {
  const cases: [string, string, ReturnType<typeof readPermissionClaims>][] = [
    ['an app token with roles', jwt({ roles: ['ToDoList.Read.All'] }), { roles: true, scp: false }],
    ['a user token with scp', jwt({ scp: 'ToDoList.Read' }), { roles: false, scp: true }],
    ['both', jwt({ roles: ['r'], scp: 's' }), { roles: true, scp: true }],
    [
      'neither (no admin consent)',
      jwt({ aud: 'api://x', idtyp: 'app' }),
      { roles: false, scp: false },
    ],
    [
      'an empty roles array and an empty scp',
      jwt({ roles: [], scp: '' }),
      { roles: false, scp: false },
    ],
    ['null claims', jwt({ roles: null, scp: null }), { roles: false, scp: false }],
    [
      'claims of other types, which still exist',
      jwt({ roles: 7, scp: ['x'] }),
      { roles: true, scp: true },
    ],
    ['an opaque token', 'not-a-jwt', undefined],
    ['an encrypted (five-part) token', 'a.b.c.d.e', undefined],
    ['a payload that is not JSON', 'eyJhbGciOiJub25lIn0.bm90IGpzb24.', undefined],
    ['a payload that is a JSON array', jwt(['roles']), undefined],
    ['an empty payload', 'eyJhbGciOiJub25lIn0..sig', undefined],
  ];
  for (const [name, token, expected] of cases) {
    it(`reads ${name}`, () => {
      assert.deepEqual(readPermissionClaims(token), expected);
    });
  }

  it('gives presence only, never a claim value', () => {
    const claims = readPermissionClaims(jwt({ roles: ['Secret.Role.Name'], scp: 'secret.scope' }));
    assert.deepEqual(Object.keys(claims ?? {}).sort(), ['roles', 'scp']);
    assert.ok(!JSON.stringify(claims).includes('ecret'));
  });
});
