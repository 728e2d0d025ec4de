// What the bare reference servers (bench/reference-*.ts) share: their pool, and the token check an
// unsubscribe link needs — HS256 with jose, the key read once per kid, the audience its workspace.
import { jwtVerify, type JWTPayload } from "jose";
import pg from "pg";

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const keys = new Map<string, Promise<{ workspaceId: string; secret: Uint8Array } | null>>();

function key(kid: string) {
  if (!keys.has(kid)) {
    keys.set(
      kid,
      pool
        .query<{ workspace_id: string; secret: Buffer }>("SELECT workspace_id, secret FROM signing_keys WHERE kid = $1 AND status <> 'retired'", [kid])
        .then(({ rows }) => (rows[0] ? { workspaceId: rows[0].workspace_id, secret: new Uint8Array(rows[0].secret) } : null)),
    );
  }
  return keys.get(kid)!;
}

/** The claims of a valid unsubscribe token with its workspace, or null; throws on a forged one. */
export async function verifyUnsubscribeToken(token: string): Promise<{ workspaceId: string; payload: JWTPayload } | null> {
  let workspaceId = "";
  const { payload } = await jwtVerify(
    token,
    async (header) => {
      const found = await key(String(header.kid));
      if (!found) throw new Error("unknown key");
      workspaceId = found.workspaceId;
      return found.secret;
    },
    { algorithms: ["HS256"] },
  );
  return payload.aud === workspaceId && payload.pur === "unsubscribe" ? { workspaceId, payload } : null;
}
